"""Reads of points and member levels."""

from wanshang.marketing.models import MemberLevel, PointsAccount, PointsEntry


def points_returned(*, order) -> int:
    return sum(PointsEntry.objects.filter(order=order, reason="return").values_list("delta", flat=True))


def points_of(*, user) -> tuple[int, list[PointsEntry]]:
    balance = PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0
    return balance, list(PointsEntry.objects.filter(user=user)[:100])


def member_levels(*, shop) -> list[MemberLevel]:
    return list(MemberLevel.objects.for_shop(shop).order_by("rank"))
