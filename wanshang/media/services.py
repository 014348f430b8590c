"""Media writes: validate an upload by its content, clean it, store it and its renditions.

Images: Pillow must recognise the bytes as JPEG, PNG, WebP or GIF (the file name and the browser's content
type are ignored), within the byte and pixel limits (the pixel limit guards against decompression bombs);
the EXIF orientation is applied, then every piece of metadata (EXIF with GPS, XMP, comments, ICC) is left
behind by re-encoding the pixels. Renditions thumb/detail/zoom fit in 240/800/1600 px boxes, never enlarged,
as WebP plus a JPEG fallback, under names that carry a hash of their own bytes (so they can be cached forever).

Videos: an MP4 (`ftyp` box) or WebM (EBML magic), within the byte limit; stored as uploaded.

Each picture is measured as it is stored (media.analysis: blur, perceptual hash, white background; about 14 ms
for an 800 px picture, 150 ms at the 40-megapixel limit) and its near-duplicates in other shops are recorded for
the platform (media.checks, docs/image-checks.md).

Everything goes through Django's default storage (the file system under MEDIA_ROOT, or S3 with
django-storages: docs/deploy.md). The same content uploaded again to the same shop returns the asset it
already has. Limits are settings (WANSHANG["MEDIA_*"], see settings.py).
"""

import hashlib
import io
import warnings

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from wanshang.common.errors import ValidationError
from wanshang.media.analysis import analyse
from wanshang.media.checks import assets_analyse_pending as assets_analyse_pending
from wanshang.media.checks import cross_shop_record, figure_fields
from wanshang.media.declarations import declaration_mark as declaration_mark
from wanshang.media.declarations import declaration_review as declaration_review
from wanshang.media.declarations import declaration_submit as declaration_submit
from wanshang.media.declarations import declaration_withdraw as declaration_withdraw
from wanshang.media.declarations import duplicate_decide as duplicate_decide
from wanshang.media.models import MediaAsset
from wanshang.media.types import IMAGE_FORMATS, RENDITIONS, VIDEO_TYPES, Purpose

NOT_AN_IMAGE = "不是有效的图片文件：只支持 JPEG、PNG、WebP、GIF 格式"
NOT_A_VIDEO = "不是有效的视频文件：只支持 MP4、WebM 格式"
EBML_MAGIC = b"\x1a\x45\xdf\xa3"
CHUNK = 1024 * 1024


def _limit(name: str) -> int:
    return int(settings.WANSHANG[name])


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _read_limited(file, limit: int, *, what: str) -> bytes:
    """The upload's bytes, refusing more than `limit` without reading past it."""
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > limit:
            raise ValidationError(f"{what}不能超过 {_mb(limit)} MB，这个有 {_mb(size)} MB", code="too_large")
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"{what}不能超过 {_mb(limit)} MB", code="too_large")
    if not data:
        raise ValidationError(f"{what}是空的", code="empty")
    return data


def _open_image(data: bytes) -> tuple[Image.Image, str]:
    """(decoded image, format), or ValidationError. The pixel count is checked from the header, before the
    pixels are decoded; Pillow's own bomb check is turned into an error too."""
    max_pixels = _limit("MEDIA_IMAGE_MAX_PIXELS")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(NOT_AN_IMAGE, code="bad_image")
            width, height = probe.size
            if width * height > max_pixels:
                raise ValidationError(
                    f"图片像素过多（{width}×{height}），最多 {max_pixels // 1_000_000} 百万像素",
                    code="too_large",
                )
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError(NOT_AN_IMAGE, code="bad_image") from None
    return image, fmt


def _check_main_size(width: int, height: int) -> None:
    least = _limit("MEDIA_MAIN_MIN_SIDE")
    if width < least or height < least:
        raise ValidationError(
            f"主图至少 {least}×{least} 像素，这张是 {width}×{height}", code="too_small", field="file"
        )


def _clean(image: Image.Image) -> Image.Image:
    """Upright pixels with no metadata at all: EXIF orientation applied, then only the pixels copied."""
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("P", "PA") else "RGB")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # no info, EXIF, XMP or ICC comes along
    return clean


def _flat(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency over white."""
    if image.mode in ("RGBA", "LA"):
        base = Image.new("RGB", image.size, (255, 255, 255))
        base.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return base
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        _flat(image).save(out, "JPEG", quality=88, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=82, method=4)
    else:  # PNG (a GIF is kept as its first frame, in PNG)
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _store(name: str, data: bytes) -> str:
    """Save under `name` unless the same name (a content hash) is already there; the stored name."""
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


def _folder(shop, sha: str) -> str:
    return f"shops/{shop.pk}/{sha[:2]}/{sha[:16]}"


def _renditions(image: Image.Image, folder: str) -> dict:
    out = {}
    for name, box in RENDITIONS.items():
        copy = image.copy()
        copy.thumbnail((box, box), Image.Resampling.LANCZOS)  # keeps the aspect, never enlarges
        entry = {"w": copy.width, "h": copy.height}
        for fmt, ext in (("WEBP", "webp"), ("JPEG", "jpeg")):
            data = _encode(copy, fmt)
            path = _store(f"{folder}-{name}-{hashlib.sha256(data).hexdigest()[:10]}.{ext}", data)
            entry[ext] = default_storage.url(path)
            entry[f"{ext}_path"] = path
        out[name] = entry
    return out


def _existing(shop, sha: str) -> MediaAsset | None:
    return MediaAsset.objects.for_shop(shop).filter(sha256=sha).first()


def _create(**fields) -> MediaAsset:
    try:
        with transaction.atomic():
            return MediaAsset.objects.create(**fields)
    except IntegrityError:  # the same content uploaded twice at once: one asset
        return MediaAsset.objects.get(shop=fields["shop"], sha256=fields["sha256"])


SOURCES = ("shop", "buyer")


def image_upload(*, shop, file, purpose: str = Purpose.GALLERY, by=None, source: str = "shop") -> MediaAsset:
    """Validate, clean and store an image with its renditions; the shop's asset for it (an existing one when
    the same bytes were uploaded before). ValidationError (code bad_image, too_large, too_small, empty) with a
    message for a person. `purpose` "main" also requires the minimum size of a main image."""
    if purpose not in set(Purpose):
        raise ValidationError("用途只能是 main、gallery、sku 或 detail", field="purpose")
    if source not in SOURCES:
        raise ValueError(f"unknown media source {source!r}")
    data = _read_limited(file, _limit("MEDIA_IMAGE_MAX_BYTES"), what="图片")
    sha = hashlib.sha256(data).hexdigest()
    found = _existing(shop, sha)
    if found is not None and found.kind == MediaAsset.Kind.IMAGE:
        if purpose == Purpose.MAIN:
            _check_main_size(found.width, found.height)
        if (
            source == "shop" and found.source != "shop"
        ):  # the shop uploads the same picture itself: now its own
            MediaAsset.objects.filter(pk=found.pk).update(source="shop")
            found.source = "shop"
            cross_shop_record(found)
        return found
    image, fmt = _open_image(data)
    if purpose == Purpose.MAIN:
        _check_main_size(*ImageOps.exif_transpose(image).size)
    clean = _clean(image)
    keep = fmt if fmt in ("JPEG", "PNG", "WEBP") else "PNG"
    original = _encode(clean, keep)
    folder = _folder(shop, sha)
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[keep]
    path = _store(f"{folder}.{ext}", original)
    asset = _create(
        shop=shop,
        kind=MediaAsset.Kind.IMAGE,
        file=path,
        sha256=sha,
        width=clean.width,
        height=clean.height,
        size=len(original),
        content_type=IMAGE_FORMATS[keep],
        renditions=_renditions(clean, folder),
        uploaded_by=by,
        source=source,
        **figure_fields(analyse(clean), now=timezone.now()),
    )
    cross_shop_record(asset)
    return asset


def _video_kind(head: bytes) -> str | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(EBML_MAGIC):
        return "webm"
    return None


def video_upload(*, shop, file, by=None) -> MediaAsset:
    """Store an MP4 or WebM video (checked by its first bytes, not its name) within the size limit. The
    same bytes uploaded again return the existing asset. ValidationError (bad_video, too_large, empty)."""
    limit = _limit("MEDIA_VIDEO_MAX_BYTES")
    if isinstance(file, bytes | bytearray):
        file = ContentFile(bytes(file))
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"视频不能超过 {_mb(limit)} MB，这个有 {_mb(size)} MB", code="too_large")
    file.seek(0)
    head = file.read(16)
    if not head:
        raise ValidationError("视频是空的", code="empty")
    kind = _video_kind(head)
    if kind is None:
        raise ValidationError(NOT_A_VIDEO, code="bad_video")
    digest, total = hashlib.sha256(head), len(head)
    for chunk in iter(lambda: file.read(CHUNK), b""):
        total += len(chunk)
        if total > limit:
            raise ValidationError(f"视频不能超过 {_mb(limit)} MB", code="too_large")
        digest.update(chunk)
    sha = digest.hexdigest()
    found = _existing(shop, sha)
    if found is not None:
        if found.kind != MediaAsset.Kind.VIDEO:
            raise ValidationError(NOT_A_VIDEO, code="bad_video")
        return found
    file.seek(0)
    name = f"{_folder(shop, sha)}.{kind}"
    path = name if default_storage.exists(name) else default_storage.save(name, File(file, name=name))
    return _create(
        shop=shop,
        kind=MediaAsset.Kind.VIDEO,
        file=path,
        sha256=sha,
        size=total,
        content_type=VIDEO_TYPES[kind],
        uploaded_by=by,
    )
