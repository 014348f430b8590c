"""The event log's shared vocabulary: page types, the visitor cookies and the traffic sources."""

from wanshang.analytics.sources import LEVEL1 as LEVEL1  # level-1 source code → label
from wanshang.analytics.sources import LEVEL1_ORDER as LEVEL1_ORDER  # the level-1 codes in display order
from wanshang.analytics.sources import SOURCES as SOURCES  # level-2 code → (level-1 code, label)
from wanshang.analytics.sources import level1_of as level1_of  # a level-2 code's level-1 code
from wanshang.analytics.tracking import PAGE_TYPES as PAGE_TYPES
from wanshang.analytics.tracking import SESSION_COOKIE as SESSION_COOKIE
from wanshang.analytics.tracking import VISITOR_COOKIE as VISITOR_COOKIE
