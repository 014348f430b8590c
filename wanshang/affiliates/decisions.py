"""The platform's one way to decide a pending request (a promoter's application, a withdrawal): approve, or
reject with a reason the requester reads; once, under the row's lock."""

from django.db import transaction
from django.utils import timezone

from wanshang.common.errors import Conflict, NotFound, ValidationError


def decide(model, *, pk: int, operator, approve: bool, reason: str, what: str, now=None):
    """Move a pending `model` row to approved or rejected (with `reason`), recording who and when. Raises
    ValidationError for a rejection without a reason, NotFound, and Conflict when it was decided already."""
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError("驳回时请填写原因", field="reason")
    if len(reason) > 300:
        raise ValidationError("原因最多 300 个字", field="reason")
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise NotFound(f"{what}不存在")
        if row.status != model.Status.PENDING:
            raise Conflict(f"该{what}{row.get_status_display()}，不能再次审核")
        row.status = model.Status.APPROVED if approve else model.Status.REJECTED
        row.reason = "" if approve else reason
        row.reviewed_by, row.reviewed_at = operator, now or timezone.now()
        row.save()
        return row
