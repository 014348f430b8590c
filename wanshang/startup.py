"""What a web process does once, before its first request: `wsgi.py` and `asgi.py` call `warm_up()`.

Loading jieba's dictionary and teaching it the brand and category names takes about a second of CPU; done
here it is paid when the worker starts instead of by the first buyer who searches. A database that is not
reachable (or not migrated) yet only delays that to the first search.
"""

import logging

from django.db import DatabaseError

from wanshang.search.selectors import learn_vocabulary

log = logging.getLogger(__name__)


def warm_up() -> None:
    try:
        learn_vocabulary(force=True)
    except DatabaseError as exc:  # pragma: no cover - depends on the server's state at start
        log.warning("search vocabulary not loaded at start (%s): the first search loads it", exc)
