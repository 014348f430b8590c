"""Promoters' withdrawals of settled earnings, and the platform's review of them."""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from wanshang.affiliates.conf import conf
from wanshang.affiliates.decisions import decide
from wanshang.affiliates.models import Clawback, Commission, Promoter, Withdrawal
from wanshang.common.errors import PermissionDenied, ValidationError
from wanshang.common.money import fen_to_yuan_str


def balance_of(promoter_id: int) -> dict[str, int]:
    """settled − clawed back − withdrawn (pending or paid) = available; may be negative after a clawback."""

    def total(qs, field):
        return qs.aggregate(s=Sum(field))["s"] or 0

    settled = total(
        Commission.objects.filter(promoter_id=promoter_id, status=Commission.Status.SETTLED), "earning_fen"
    )
    clawed = total(Clawback.objects.filter(promoter_id=promoter_id), "earning_fen")
    rows = Withdrawal.objects.filter(promoter_id=promoter_id)
    pending = total(rows.filter(status=Withdrawal.Status.PENDING), "amount_fen")
    paid = total(rows.filter(status=Withdrawal.Status.APPROVED), "amount_fen")
    return {
        "settled_fen": settled,
        "clawed_fen": clawed,
        "pending_fen": pending,
        "paid_fen": paid,
        "available_fen": settled - clawed - pending - paid,
    }


def withdrawal_request(*, promoter: Promoter, amount_fen: int, account: str, now=None) -> Withdrawal:
    """Ask for `amount_fen` of the available balance to be paid to `account`. Under the promoter's row lock, so
    concurrent requests can never take more than the balance. Raises ValidationError below the minimum
    (AFFILIATE_WITHDRAW_MIN_FEN) or above the available balance."""
    if promoter.status != Promoter.Status.APPROVED:
        raise PermissionDenied("通过达人审核后才能提现")
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise ValidationError("请填写提现金额", field="amount")
    account = (account or "").strip()
    if not account:
        raise ValidationError("请填写收款账户（如支付宝账号）", field="account")
    if len(account) > 60:
        raise ValidationError("收款账户最多 60 个字", field="account")
    minimum = conf("WITHDRAW_MIN_FEN")
    if amount_fen < minimum:
        raise ValidationError(
            f"单次提现至少 ¥{fen_to_yuan_str(minimum)}", field="amount", code="below_minimum"
        )
    with transaction.atomic():
        Promoter.objects.select_for_update().get(pk=promoter.pk)
        available = balance_of(promoter.pk)["available_fen"]
        if amount_fen > available:
            raise ValidationError(
                f"可提现余额不足：当前可提现 ¥{fen_to_yuan_str(max(available, 0))}",
                field="amount",
                code="insufficient_balance",
            )
        return Withdrawal.objects.create(
            promoter=promoter, amount_fen=amount_fen, account=account, created_at=now or timezone.now()
        )


def withdrawal_review(
    *, operator, withdrawal_id: int, approve: bool, reason: str = "", now=None
) -> Withdrawal:
    """The platform pays a pending withdrawal (approve: recorded as paid to the account) or rejects it with a
    reason (the amount is available again)."""
    return decide(
        Withdrawal,
        pk=withdrawal_id,
        operator=operator,
        approve=approve,
        reason=reason,
        what="提现申请",
        now=now,
    )
