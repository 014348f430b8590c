"""The event log's shared vocabulary: page types and the visitor cookies."""

from wanshang.analytics.tracking import PAGE_TYPES as PAGE_TYPES
from wanshang.analytics.tracking import SESSION_COOKIE as SESSION_COOKIE
from wanshang.analytics.tracking import VISITOR_COOKIE as VISITOR_COOKIE
