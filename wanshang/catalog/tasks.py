"""Scheduled catalog jobs. Thin: each calls a service that selects its work from the database state."""

from wanshang.catalog.services import products_image_check_due
from wanshang.common.scheduler import register


@register("catalog.image_checks", every_seconds=3600)
def image_checks(now):
    """Products whose pictures were never checked, were checked more than a day ago, or were measured since
    (media.image_checks): their image problems opened and closed again (docs/image-checks.md)."""
    return products_image_check_due(now=now)
