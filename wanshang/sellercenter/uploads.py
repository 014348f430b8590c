"""The product form's media block: posted asset ids (the uploader's hidden inputs, in their on-screen order)
and, without JavaScript, files posted with the form → catalog.services.MediaInput, plus what to redraw.

With JavaScript the drop zones upload at once through /api/seller/media/… and only ids come with the form;
without it the chosen files come with the form and are uploaded here, through the same media services.
"""

from dataclasses import dataclass, field

from wanshang.catalog.selectors import colour_axis, product_media
from wanshang.catalog.services import MediaInput
from wanshang.common.errors import DomainError
from wanshang.media.selectors import assets_by_id
from wanshang.media.services import image_upload, video_upload


@dataclass
class MediaBlock:
    gallery: list = field(default_factory=list)  # assets, in order
    video: object | None = None
    sku_images: dict = field(default_factory=dict)  # colour value → asset
    colours: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    media: MediaInput | None = None  # None: the form had no media block (leave the media as they are)

    @property
    def colour_slots(self) -> list[tuple[str, object | None]]:
        return [(c, self.sku_images.get(c)) for c in self.colours]


def _int(text) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def media_of_product(product) -> MediaBlock:
    if product is None:
        return MediaBlock()
    current = product_media(product=product)
    axis = colour_axis(product.spec_axes)
    return MediaBlock(
        gallery=current.gallery,
        video=current.video,
        sku_images=current.sku_images,
        colours=list(axis["values"]) if axis else [],
    )


def _upload_files(request, gallery: list[int], errors: list[str]) -> int | None:
    """Upload the files posted with the form (no JavaScript); new gallery ids are appended. The video's id."""
    for upload in request.FILES.getlist("gallery_files"):
        purpose = "main" if not gallery else "gallery"
        try:
            gallery.append(image_upload(shop=request.shop, file=upload, purpose=purpose, by=request.user).pk)
        except DomainError as exc:
            errors.append(f"{upload.name}：{exc.message}")
    video_file = request.FILES.get("video_file")
    if video_file is None:
        return None
    try:
        return video_upload(shop=request.shop, file=video_file, by=request.user).pk
    except DomainError as exc:
        errors.append(f"{video_file.name}：{exc.message}")
        return None


def media_from_post(request, product) -> MediaBlock:
    post = request.POST
    if not post.get("media_present"):
        return media_of_product(product)
    errors: list[str] = []
    gallery = [i for i in (_int(v) for v in post.getlist("media_gallery")) if i is not None]
    video = _int(post.get("media_video") or "")
    sku = {
        value.strip(): _int(pk)
        for value, pk in zip(post.getlist("media_sku_value"), post.getlist("media_sku_id"), strict=False)
        if value.strip() and _int(pk) is not None
    }
    video = _upload_files(request, gallery, errors) or video
    found = assets_by_id(shop=request.shop, ids=[*gallery, *sku.values(), video], own_only=True)
    axis = colour_axis(product.spec_axes) if product else None
    return MediaBlock(
        gallery=[found[i] for i in gallery if i in found],
        video=found.get(video),
        sku_images={v: found[i] for v, i in sku.items() if i in found},
        colours=list(axis["values"]) if axis else [],
        errors=errors,
        media=MediaInput(gallery=gallery, video=video, sku_images=sku),
    )
