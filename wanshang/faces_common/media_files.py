"""Serving uploaded media from MEDIA_ROOT in development and the demo (WANSHANG["MEDIA_SERVE"], on with
DEBUG). Production serves MEDIA_ROOT from the web server or a bucket with the same headers: docs/deploy.md."""

import re

from django.conf import settings
from django.http import Http404
from django.views.static import serve

# every name wanshang.media.services writes carries a content hash (shops/<shop>/<ab>/<sha16>[-<rendition>-<hash>].<ext>)
HASHED = re.compile(r"^shops/\d+/[0-9a-f]{2}/[0-9a-f]{16}(-[a-z]+-[0-9a-f]{10})?\.[a-z0-9]+$")
FOREVER = "public, max-age=31536000, immutable"


def media_serve(request, path: str):
    if not settings.WANSHANG.get("MEDIA_SERVE"):
        raise Http404("media are served by the web server")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = FOREVER if HASHED.match(path) else "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
