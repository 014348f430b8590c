"""Scheduled media jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.common.scheduler import register
from wanshang.media.services import assets_analyse_pending


@register("media.image_checks", every_seconds=3600)
def image_checks(now):
    """Pictures without image figures (uploaded before the checks, or unread): measured in batches, oldest
    first, with their cross-shop near-duplicates; a long backlog goes on at the next run."""
    return assets_analyse_pending(now=now)
