"""Review reads: what the product page, the shop page, the buyer's orders, the seller's 评价管理 and the
platform's moderation queue show. Figures come from the stored aggregates (ProductRating, ShopScore,
CategoryScore), never from the raw rows per request."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from wanshang.common.errors import NotFound
from wanshang.reviews import scoring
from wanshang.reviews.models import (
    CategoryScore,
    ProductRating,
    ReportStatus,
    Review,
    ReviewImage,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
    ShopRating,
    ShopScore,
    ShopScoreDay,
)

S = ReviewStatus
# product page filters: key → (label, condition)
FILTERS = {
    "all": ("全部", Q()),
    "images": ("有图", Q(has_images=True)),
    "followup": ("追评", Q(followup_at__isnull=False)),
    "good": ("好评", Q(stars__gte=4)),
    "mid": ("中评", Q(stars=3)),
    "bad": ("差评", Q(stars__lte=2)),
}
SORTS = {
    "recent": ("最新", ("-created_at", "-id")),
    "helpful": ("最有用", ("-helpful_count", "-created_at", "-id")),
}
SELLER_FILTERS = {
    **FILTERS,
    "unreplied": ("待回复", Q(replied_at__isnull=True, is_default=False)),
    "pending": ("审核中", Q(status=S.PENDING)),
    "hidden": ("已隐藏", Q(status=S.HIDDEN)),
}
STATUS_LABELS = dict(ReviewStatus.choices)
REPORT_LABELS = dict(ReportStatus.choices)
DSR_LABELS = {"description": "描述相符", "service": "服务态度", "logistics": "物流服务"}
PHONE = re.compile(r"^1\d{10}$")
MIN_PEERS = (
    3  # as the 数据中心's 同行平均 (docs/data-center.md): fewer scored shops in the category, no comparison
)


def author_name(user, *, anonymous: bool) -> str:
    """What a review shows for its author: the nickname (a phone number is masked), or for an anonymous
    review only the first and last character."""
    name = (user.nickname or user.phone or user.username or "").strip() or "买家"
    if PHONE.match(name):
        name = f"{name[:3]}****{name[-4:]}"
    if anonymous:
        return f"{name[0]}***{name[-1]}" if len(name) > 1 else f"{name}***"
    return name


def _pictures(images) -> tuple[list[str], list[str], dict]:
    first, later, renditions = [], [], {}
    for image in images:
        url = image.asset.url
        (later if image.followup else first).append(url)
        renditions[url] = image.asset.renditions
    return first, later, renditions


def decorate(reviews, *, viewer=None) -> list[Review]:
    """Reviews ready to show: `author`, `image_urls`, `followup_urls`, `pictures` ({url: renditions} for
    {% picture %}) and `voted` (the viewer's “有用”). Expects the images prefetched (`_shown`)."""
    reviews = list(reviews)
    voted = set()
    if viewer is not None and getattr(viewer, "is_authenticated", False) and reviews:
        voted = set(
            ReviewVote.objects.filter(user=viewer, review_id__in=[r.pk for r in reviews]).values_list(
                "review_id", flat=True
            )
        )
    for r in reviews:
        r.author = author_name(r.buyer, anonymous=r.is_anonymous)
        r.image_urls, r.followup_urls, r.pictures = _pictures(r.images.all())
        r.voted = r.pk in voted
        r.status_label = STATUS_LABELS.get(r.status, r.status)
        r.followup_days = (r.followup_at - r.created_at).days if r.followup_at else None
    return reviews


def _shown(qs):
    return qs.select_related("buyer").prefetch_related(
        Prefetch("images", queryset=ReviewImage.objects.select_related("asset"))
    )


# --- product page ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingSummary:
    count: int = 0
    average: float | None = None
    good_rate: float | None = None
    good: int = 0
    mid: int = 0
    bad: int = 0
    with_images: int = 0
    with_followup: int = 0

    def count_of(self, key: str) -> int:
        return {
            "all": self.count,
            "images": self.with_images,
            "followup": self.with_followup,
            "good": self.good,
            "mid": self.mid,
            "bad": self.bad,
        }.get(key, 0)


def product_rating(*, product_id: int) -> RatingSummary:
    """The product's review figures from its stored aggregate (one row)."""
    row = ProductRating.objects.filter(product_id=product_id).first()
    if row is None:
        return RatingSummary()
    return RatingSummary(
        count=row.count,
        average=row.average,
        good_rate=row.good_rate,
        good=row.good,
        mid=row.mid,
        bad=row.bad,
        with_images=row.with_images,
        with_followup=row.with_followup,
    )


def product_ratings(*, product_ids) -> dict[int, float | None]:
    """{product id: average stars} for the search index (products without written reviews are left out)."""
    rows = ProductRating.objects.filter(product_id__in=list(product_ids), written__gt=0)
    return {r.product_id: r.average for r in rows}


def product_rating_stats(*, product_ids) -> dict[int, tuple[float, int]]:
    """{product id: (average stars, written reviews)} for products with written reviews (ads' quality score)."""
    rows = ProductRating.objects.filter(product_id__in=list(product_ids), written__gt=0)
    return {r.product_id: (r.average, r.written) for r in rows}


def product_review_list(*, product_id: int, kind: str = "all", sort: str = "recent"):
    """The product's published reviews under one filter and sort (unknown keys: all / recent)."""
    condition = FILTERS.get(kind, FILTERS["all"])[1]
    order = SORTS.get(sort, SORTS["recent"])[1]
    return _shown(
        Review.objects.filter(product_id=product_id, status=S.PUBLISHED).filter(condition)
    ).order_by(*order)


# --- the buyer -----------------------------------------------------------------------------------------------------


def buyer_reviews_by_line(*, buyer, line_ids) -> dict[int, Review]:
    """{line id: the buyer's review of it} for the order pages' 评价 / 追评 buttons."""
    ids = list(line_ids)
    if not ids or not getattr(buyer, "is_authenticated", False):
        return {}
    return {r.line_id: r for r in Review.objects.filter(buyer=buyer, line_id__in=ids)}


def buyer_review_list(*, buyer):
    """The buyer's own reviews, newest first, whatever their state (待审核 and 已隐藏 too: they are theirs)."""
    return _shown(Review.objects.filter(buyer=buyer)).order_by("-created_at", "-id")


def buyer_review_get(*, buyer, review_id) -> Review:
    review = decorate(_shown(Review.objects.filter(pk=review_id, buyer=buyer)))
    if not review:
        raise NotFound("评价不存在")
    return review[0]


def order_rated(*, order_id: int) -> bool:
    return ShopRating.objects.filter(order_id=order_id).exists()


# --- the shop's DSR --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DsrItem:
    key: str
    label: str
    value: float | None
    peer: float | None
    trend: str  # higher / lower / equal / "" (no comparison)
    percent: float | None


@dataclass(frozen=True)
class DsrCard:
    counted: int
    peers: int
    items: tuple[DsrItem, ...]


def shop_dsr(*, shop_id: int) -> DsrCard:
    """The shop's stored DSR against its main category's peers (two rows)."""
    score = ShopScore.objects.filter(shop_id=shop_id).first()
    peer = (
        CategoryScore.objects.filter(category_id=score.category_id).first()
        if score and score.category_id
        else None
    )
    if peer is not None and peer.shops < MIN_PEERS:
        peer = None  # an "average" of one or two shops compares with nobody in particular
    items = []
    for key, label in DSR_LABELS.items():
        value = getattr(score, key) if score else None
        peer_value = getattr(peer, key) if peer else None
        trend, pct = scoring.compare(value, peer_value)
        items.append(DsrItem(key, label, value, peer_value, trend, pct))
    return DsrCard(counted=score.counted if score else 0, peers=peer.shops if peer else 0, items=tuple(items))


def shop_dsr_trend(*, shop, days: int = 30, now=None) -> list[ShopScoreDay]:
    """The shop's daily DSR points of the last `days` days (oldest first)."""
    today = timezone.localdate(now or timezone.now())
    return list(
        ShopScoreDay.objects.for_shop(shop).filter(day__gt=today - timedelta(days=days)).order_by("day")
    )


# --- the seller ------------------------------------------------------------------------------------------------


def seller_review_list(*, shop, kind: str = "all", q: str = ""):
    condition = SELLER_FILTERS.get(kind, SELLER_FILTERS["all"])[1]
    qs = _shown(Review.objects.for_shop(shop).filter(condition)).prefetch_related("reports")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(text__icontains=q) | Q(order__no=q))
    return qs.order_by("-created_at", "-id")


def seller_review_get(*, shop, review_id) -> Review:
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise NotFound("评价不存在") from None
    found = decorate(_shown(Review.objects.for_shop(shop).filter(pk=pk)).prefetch_related("reports"))
    if not found:
        raise NotFound("评价不存在")
    return found[0]


def open_report(review) -> ReviewReport | None:
    """The review's pending report (from the prefetched reports)."""
    return next((r for r in review.reports.all() if r.status == ReportStatus.PENDING), None)


# --- the platform --------------------------------------------------------------------------------------------------


def moderation_reports(*, status: str = ReportStatus.PENDING):
    qs = ReviewReport.objects.select_related("shop", "reported_by", "decided_by").prefetch_related(
        Prefetch("review", queryset=_shown(Review.objects.all()))
    )
    return qs.filter(status=status) if status else qs


def moderation_edited():
    """Edited reviews waiting for the platform (oldest edit first)."""
    return _shown(Review.objects.filter(status=S.PENDING).select_related("shop")).order_by("edited_at", "id")


def moderation_counts() -> dict[str, int]:
    return {
        "reports": ReviewReport.objects.filter(status=ReportStatus.PENDING).count(),
        "edited": Review.objects.filter(status=S.PENDING).count(),
    }


def platform_review_get(*, review_id) -> Review:
    found = decorate(
        _shown(Review.objects.filter(pk=review_id).select_related("shop")).prefetch_related("events")
    )
    if not found:
        raise NotFound("评价不存在")
    return found[0]


def platform_report_get(*, report_id) -> ReviewReport:
    report = moderation_reports(status="").filter(pk=report_id).first()
    if report is None:
        raise NotFound("举报不存在")
    decorate([report.review])
    return report


def product_rating_totals(*, shop) -> dict:
    """The shop's review figures summed over its products' stored aggregates (数据中心 · 服务评价)."""
    rows = ProductRating.objects.for_shop(shop).aggregate(
        count=Sum("count"), good=Sum("good"), mid=Sum("mid"), bad=Sum("bad"), with_images=Sum("with_images")
    )
    rows = {k: v or 0 for k, v in rows.items()}
    rows["good_rate"] = round(100 * rows["good"] / rows["count"], 1) if rows["count"] else None
    return rows


def shops_dsr(*, shop_ids) -> dict[int, tuple[float | None, int]]:
    """体检中心: shop → (the mean of its three DSR scores as stored in ShopScore, ratings counted)."""
    out = {}
    for row in ShopScore.objects.filter(shop_id__in=list(shop_ids)):
        parts = [v for v in (row.description, row.service, row.logistics) if v is not None]
        out[row.shop_id] = (round(sum(parts) / len(parts), 2) if parts else None, row.counted)
    return out
