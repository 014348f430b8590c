"""The event log's public reads for other apps and the faces."""

from wanshang.analytics.tracking import visitor_of as visitor_of  # the visitor id of a buyer's browser
