"""Logo and portrait declarations, and the platform's decisions on cross-shop near-duplicates
(docs/image-checks.md).

A shop marks one of its pictures as showing a brand's logo or a person's portrait and attaches the
authorisation (a PDF, JPEG, PNG or WebP within IMAGE_DECLARATION_MAX_BYTES, recognised by its content); the
platform approves it or rejects it with a reason. The authorisation is stored under an unguessable name and
shown only through the seller's and the platform's views. A mark can be withdrawn only while no authorisation
was sent: once the platform has something to review, the shop replaces the file, not the mark. Each change
publishes ImageDeclarationChanged (catalog reopens or closes the problems of the products showing the picture).
"""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from wanshang.common import events
from wanshang.common.domain_events import ImageDeclarationChanged, ImageDeclarationDecided
from wanshang.common.errors import Conflict, NotFound, ValidationError
from wanshang.media.models import ImageDeclaration, ImageDuplicate, MediaAsset

FILE_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF = ("application/pdf", "pdf")
BAD_FILE = "授权文件只支持 PDF、JPEG、PNG、WebP 格式"


def _max_bytes() -> int:
    return int(settings.WANSHANG["IMAGE_DECLARATION_MAX_BYTES"])


def _read(file) -> bytes:
    limit = _max_bytes()
    mb = f"{limit / 1024 / 1024:g}"
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"授权文件不能超过 {mb} MB", code="too_large", field="file")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1) if hasattr(file, "read") else bytes(file)
    if len(data) > limit:
        raise ValidationError(f"授权文件不能超过 {mb} MB", code="too_large", field="file")
    if not data:
        raise ValidationError("授权文件是空的", code="empty", field="file")
    return data


def _file_kind(data: bytes) -> tuple[str, str]:
    """(content type, extension) of an authorisation file, by its content; ValidationError otherwise."""
    if data.startswith(b"%PDF-"):
        return PDF
    try:
        probe = Image.open(io.BytesIO(data))
        fmt = probe.format
        probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(BAD_FILE, code="bad_file", field="file") from None
    if fmt not in FILE_TYPES:
        raise ValidationError(BAD_FILE, code="bad_file", field="file")
    return FILE_TYPES[fmt]


def _store_file(shop, file) -> dict:
    data = _read(file)
    content_type, ext = _file_kind(data)
    name = default_storage.save(f"declarations/{shop.pk}/{uuid.uuid4().hex}.{ext}", ContentFile(data))
    original = str(getattr(file, "name", "") or f"授权文件.{ext}").rsplit("/", 1)[-1][:120]
    return {"file": name, "file_name": original, "file_type": content_type, "file_size": len(data)}


def _published(declaration: ImageDeclaration) -> ImageDeclaration:
    events.publish(ImageDeclarationChanged(shop_id=declaration.shop_id, asset_id=declaration.asset_id))
    return declaration


def _locked(shop, declaration_id) -> ImageDeclaration:
    try:
        pk = int(declaration_id)
    except (TypeError, ValueError):
        raise NotFound("声明不存在") from None
    qs = ImageDeclaration.objects.select_for_update().filter(pk=pk)
    found = (qs.filter(shop_id=shop.pk) if shop is not None else qs).first()
    if found is None:
        raise NotFound("声明不存在")
    return found


def declaration_mark(*, shop, by, asset_id, kind: str, subject: str = "", file=None) -> ImageDeclaration:
    """Mark the shop's picture as showing a brand's logo or a person's portrait (with the authorisation when
    `file` is given: then it waits for the platform). NotFound for another shop's or a buyer's picture,
    ValidationError for a bad kind or file, Conflict when the picture already carries that mark."""
    if kind not in ImageDeclaration.Kind.values:
        raise ValidationError("标记类型只能是 brand（品牌标识）或 portrait（人物肖像）", field="kind")
    subject = (subject or "").strip()
    if len(subject) > 60:
        raise ValidationError("品牌或人物名称不超过 60 字", field="subject")
    try:
        pk = int(asset_id)
    except (TypeError, ValueError):
        raise NotFound("图片不存在", field="asset_id") from None
    asset = MediaAsset.objects.for_shop(shop).filter(pk=pk, kind=MediaAsset.Kind.IMAGE, source="shop").first()
    if asset is None:
        raise NotFound("图片不存在", field="asset_id")
    taken = "这张图片已经有这个标记了：请在声明列表里上传或更换授权文件"
    if ImageDeclaration.objects.filter(asset=asset, kind=kind).exists():
        raise Conflict(taken, field="kind")
    stored = _store_file(shop, file) if file is not None else {}
    now = timezone.now()
    fields = {"status": ImageDeclaration.Status.MISSING}
    if stored:
        fields = {
            **stored,
            "status": ImageDeclaration.Status.PENDING,
            "submitted_by": by,
            "submitted_at": now,
        }
    try:
        with transaction.atomic():
            declaration = ImageDeclaration.objects.create(
                shop=shop, asset=asset, kind=kind, subject=subject, **fields
            )
            return _published(declaration)
    except IntegrityError:
        raise Conflict(taken, field="kind") from None


def declaration_submit(*, shop, by, declaration_id, file) -> ImageDeclaration:
    """Attach (or replace) the authorisation of a mark that is missing it, waiting, or was rejected: it then
    waits for the platform. Conflict once approved; NotFound for another shop's declaration."""
    with transaction.atomic():
        declaration = _locked(shop, declaration_id)
        if declaration.status == ImageDeclaration.Status.APPROVED:
            raise Conflict("这份授权已通过审核，无需再上传")
        stored = _store_file(shop, file)
        for name, value in stored.items():
            setattr(declaration, name, value)
        declaration.status = ImageDeclaration.Status.PENDING
        declaration.reason = ""
        declaration.submitted_by = by
        declaration.submitted_at = timezone.now()
        declaration.reviewed_by = None
        declaration.reviewed_at = None
        declaration.save()
        return _published(declaration)


def declaration_withdraw(*, shop, declaration_id) -> None:
    """Remove a mark made by mistake, only while no authorisation was sent (Conflict afterwards)."""
    with transaction.atomic():
        declaration = _locked(shop, declaration_id)
        if declaration.status != ImageDeclaration.Status.MISSING:
            raise Conflict("已提交授权的声明不能撤回；如图片不再使用，请从商品中换掉它")
        declaration.delete()
        events.publish(ImageDeclarationChanged(shop_id=declaration.shop_id, asset_id=declaration.asset_id))


def declaration_review(*, operator, declaration_id, approve: bool, reason: str = "") -> ImageDeclaration:
    """The platform approves a waiting authorisation, or rejects it with a reason (2–300 characters) the shop
    sees. Conflict when it is not waiting."""
    reason = (reason or "").strip()
    if not approve and not 2 <= len(reason) <= 300:
        raise ValidationError("驳回须写明原因（2–300 字）", field="reason")
    with transaction.atomic():
        declaration = _locked(None, declaration_id)
        if declaration.status != ImageDeclaration.Status.PENDING:
            raise Conflict("这份声明不在待审核状态")
        declaration.status = ImageDeclaration.Status.APPROVED if approve else ImageDeclaration.Status.REJECTED
        declaration.reason = "" if approve else reason
        declaration.reviewed_by = operator
        declaration.reviewed_at = timezone.now()
        declaration.save()
        events.publish(
            ImageDeclarationDecided(
                shop_id=declaration.shop_id,
                declaration_id=declaration.pk,
                asset_id=declaration.asset_id,
                kind=declaration.kind,
                approved=approve,
                reason=declaration.reason,
                at=declaration.reviewed_at,
            )
        )
        return _published(declaration)


DECISIONS = {"dismiss": ImageDuplicate.Status.DISMISSED, "case": ImageDuplicate.Status.CASE}


def duplicate_decide(*, operator, duplicate_id, decision: str, note: str = "") -> ImageDuplicate:
    """The platform's decision on an open cross-shop pair: `dismiss` (not stolen) or `case` (a case opened,
    the note says what was done; 2–500 characters). Conflict when already decided."""
    if decision not in DECISIONS:
        raise ValidationError("处理方式只能是 dismiss（非盗图）或 case（立案）", field="decision")
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError("说明不超过 500 字", field="note")
    if decision == "case" and len(note) < 2:
        raise ValidationError("立案须写明案情说明（至少 2 字）", field="note")
    try:
        pk = int(duplicate_id)
    except (TypeError, ValueError):
        raise NotFound("重复图片记录不存在") from None
    with transaction.atomic():
        pair = ImageDuplicate.objects.select_for_update().filter(pk=pk).first()
        if pair is None:
            raise NotFound("重复图片记录不存在")
        if pair.status != ImageDuplicate.Status.OPEN:
            raise Conflict("这对图片已经处理过了")
        pair.status = DECISIONS[decision]
        pair.note = note
        pair.decided_by = operator
        pair.decided_at = timezone.now()
        pair.save()
    return pair
