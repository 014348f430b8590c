"""The event log's public reads for other apps and the faces (reporting reads its tables: `readmodel.py`)."""

from wanshang.analytics.models import Event
from wanshang.analytics.tracking import visitor_of as visitor_of  # the visitor id of a buyer's browser


def buyer_visitor_ids(*, user_id: int) -> set[str]:
    """The browser visitor ids a buyer's events were recorded under while they were logged in."""
    return set(
        Event.objects.filter(user_id=user_id).exclude(visitor="").values_list("visitor", flat=True).distinct()
    )
