"""Plain values of the media app, shared with the apps above it and the faces."""

from enum import StrEnum


class Purpose(StrEnum):
    """What an upload is for: the main image has a minimum size; the rest only the general limits."""

    MAIN = "main"
    GALLERY = "gallery"
    SKU = "sku"
    DETAIL = "detail"


# name → the longest side of the box it fits in (never enlarged: a small original keeps its size)
RENDITIONS = {"thumb": 240, "detail": 800, "zoom": 1600}
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
