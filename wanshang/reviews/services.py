"""Review writes: create, 追评, edit once, replies, reports and moderation, helpful votes, default reviews, and
the aggregates they keep (product ratings, shop DSR). Rules: docs/reviews.md.

Every write checks its input first and refuses with a DomainError that says why, before anything changes;
"once only" rules (one review per line, one 追评, one edit, one reply, one vote) are unique constraints or
conditional updates, so a double submit cannot slip through between a check and the write.
"""

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from wanshang.adlaw.services import texts_check
from wanshang.common import events
from wanshang.common.domain_events import ProductRatingChanged
from wanshang.common.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wanshang.media.selectors import assets_by_id
from wanshang.media.services import image_upload
from wanshang.merchants.selectors import shops_main_category
from wanshang.orders.selectors import REVIEWABLE_STATES, buyer_line_get, lines_due_default_review
from wanshang.reviews import scoring
from wanshang.reviews.models import (
    CategoryScore,
    ProductRating,
    ReportStatus,
    Review,
    ReviewEvent,
    ReviewImage,
    ReviewReport,
    ReviewStatus,
    ReviewVote,
    ShopRating,
    ShopScore,
    ShopScoreDay,
)

DEFAULT_TEXT = "系统默认好评"
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|&#|javascript:", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
S = ReviewStatus


def _setting(name: str) -> int:
    return int(settings.WANSHANG[name])


def clean_text(text, *, field: str = "text", what: str = "评价内容", required: bool = False) -> str:
    """User text as plain text: control characters out, markup refused (nothing of it would survive), the
    length limit kept. Raises ValidationError with a message for a person."""
    text = CONTROL.sub("", str(text or "")).replace("\r\n", "\n").strip()
    if MARKUP.search(text):
        raise ValidationError(f"{what}不能包含 HTML 标签或脚本，请只写文字", field=field, code="markup")
    limit = _setting("REVIEW_TEXT_MAX")
    if len(text) > limit:
        raise ValidationError(f"{what}最多 {limit} 字，现在有 {len(text)} 字", field=field)
    if required and not text:
        raise ValidationError(f"请填写{what}", field=field)
    return text


def _stars(value, *, field: str = "stars", what: str = "商品评分") -> int:
    try:
        stars = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what}须为 1–5 星", field=field) from None
    if not 1 <= stars <= 5:
        raise ValidationError(f"{what}须为 1–5 星", field=field)
    return stars


def _dsr(dsr: dict | None) -> dict | None:
    if dsr is None:
        return None
    labels = {"description": "描述相符", "service": "服务态度", "logistics": "物流服务"}
    return {key: _stars(dsr.get(key), field=key, what=label) for key, label in labels.items()}


def _check_image_count(images, image_ids) -> None:
    most = _setting("REVIEW_MAX_IMAGES")
    n = len(list(images or ())) + len(list(image_ids or ()))
    if n > most:
        raise ValidationError(f"最多上传 {most} 张图片，现在有 {n} 张", field="images", code="too_many")


def _event(review: Review, action: str, *, actor=None, actor_kind: str, before: str = "", note: str = ""):
    ReviewEvent.objects.create(
        review=review,
        shop_id=review.shop_id,
        action=action,
        from_status=before,
        to_status=review.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_kind=actor_kind,
        note=note[:300],
    )


def _attach_images(review: Review, *, buyer, images, image_ids, followup: bool) -> int:
    """Store uploads through the media pipeline (validated by content, EXIF stripped) as the order's shop's
    assets uploaded by the buyer, take earlier uploads by id (the buyer's own, of that shop), link them."""
    assets = []
    if image_ids:
        wanted = [int(i) for i in image_ids]
        found = assets_by_id(shop=review.shop, ids=wanted)
        for pk in wanted:
            asset = found.get(pk)
            if asset is None or asset.uploaded_by_id != buyer.pk or asset.kind != "image":
                raise ValidationError("图片不存在或不是你上传的", field="images")
            assets.append(asset)
    for file in images or ():
        assets.append(image_upload(shop=review.shop, file=file, by=buyer, source="buyer"))
    ReviewImage.objects.bulk_create(
        ReviewImage(review=review, shop_id=review.shop_id, asset=a, followup=followup, position=i)
        for i, a in enumerate(assets)
    )
    return len(assets)


def review_image_upload(*, buyer, line_id, file):
    """Upload one picture for a review of the buyer's line ahead of the review (the API and the form's
    preview): validated by content and cleaned by the media pipeline, kept as an asset of the order's shop."""
    line = buyer_line_get(buyer=buyer, line_id=line_id)
    return image_upload(shop=line.shop, file=file, by=buyer, source="buyer")


# --- the buyer -------------------------------------------------------------------------------------------------


def _reviewable_line(buyer, line_id, now):
    line = buyer_line_get(buyer=buyer, line_id=line_id)
    order = line.order
    if order.status not in REVIEWABLE_STATES or order.received_at is None:
        raise ValidationError("订单确认收货后才能评价", code="not_received")
    if line.refunded_qty >= line.quantity:
        raise ValidationError("该商品已全部退款，不能评价", code="refunded")
    if Review.objects.filter(line_id=line.pk).exists():
        raise Conflict("这件商品已经评价过了，可以追加评价", code="already_reviewed")
    if now > order.received_at + timedelta(days=_setting("REVIEW_WINDOW_DAYS")):
        raise ValidationError(
            f"已超过评价期限（确认收货后 {_setting('REVIEW_WINDOW_DAYS')} 天）", code="window_closed"
        )
    return line


def needs_dsr(*, order_id) -> bool:
    """Whether the order's shop has not been scored yet (the first review of an order asks for the DSR)."""
    return not ShopRating.objects.filter(order_id=order_id).exists()


def review_create(
    *,
    buyer,
    line_id,
    stars,
    text: str = "",
    is_anonymous: bool = False,
    dsr: dict | None = None,
    images=(),
    image_ids=(),
    now=None,
) -> Review:
    """Review one line of the buyer's received order, with the shop's DSR when the order has none yet.

    Raises NotFound (not the buyer's line), ValidationError (not received, window closed, stars, text,
    images, DSR missing), Conflict (already reviewed). Nothing is written unless everything passes.
    """
    now = now or timezone.now()
    stars = _stars(stars)
    text = clean_text(text)
    dsr = _dsr(dsr)
    _check_image_count(images, image_ids)
    line = _reviewable_line(buyer, line_id, now)
    ask_dsr = needs_dsr(order_id=line.order_id)
    if ask_dsr and dsr is None:
        raise ValidationError("请为店铺的描述相符、服务态度、物流服务打分", field="dsr")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                shop_id=line.shop_id,
                line=line,
                order_id=line.order_id,
                buyer=buyer,
                product_id=line.product_id,
                sku_id=line.sku_id,
                spec_text=line.spec_text,
                title=line.title,
                stars=stars,
                text=text,
                is_anonymous=bool(is_anonymous),
                created_at=now,
            )
            n = _attach_images(review, buyer=buyer, images=images, image_ids=image_ids, followup=False)
            if n:
                Review.objects.filter(pk=review.pk).update(has_images=True)
                review.has_images = True
            _event(review, "created", actor=buyer, actor_kind="buyer")
            if ask_dsr:
                ShopRating.objects.create(
                    shop_id=line.shop_id, order_id=line.order_id, buyer=buyer, rated_at=now, **dsr
                )
                shop_score_refresh(shop_id=line.shop_id, now=now)
            product_rating_refresh(product_id=line.product_id, shop_id=line.shop_id)
    except IntegrityError:  # the same line (or the order's DSR) written by a concurrent submit
        raise Conflict("这件商品已经评价过了，请刷新页面", code="already_reviewed") from None
    return review


def _buyer_review(buyer, review_id) -> Review:
    review = Review.objects.select_related("shop").filter(pk=review_id, buyer=buyer).first()
    if review is None:
        raise NotFound("评价不存在")
    return review


def review_followup(*, buyer, review_id, text, images=(), image_ids=(), now=None) -> Review:
    """追评: once, within REVIEW_FOLLOWUP_DAYS of the review. ValidationError / Conflict otherwise."""
    now = now or timezone.now()
    text = clean_text(text, what="追评内容", required=True)
    _check_image_count(images, image_ids)
    review = _buyer_review(buyer, review_id)
    days = _setting("REVIEW_FOLLOWUP_DAYS")
    if review.followup_at is not None:
        raise Conflict("已经追评过了，每条评价只能追评一次", code="already_followed_up")
    if now > review.created_at + timedelta(days=days):
        raise ValidationError(f"已超过追评期限（评价后 {days} 天）", code="window_closed")
    with transaction.atomic():
        updated = Review.objects.filter(pk=review.pk, followup_at__isnull=True).update(
            followup_text=text, followup_at=now
        )
        if updated != 1:
            raise Conflict("已经追评过了，每条评价只能追评一次", code="already_followed_up")
        review.followup_text, review.followup_at = text, now
        n = _attach_images(review, buyer=buyer, images=images, image_ids=image_ids, followup=True)
        if n and not review.has_images:
            Review.objects.filter(pk=review.pk).update(has_images=True)
            review.has_images = True
        _event(review, "followup", actor=buyer, actor_kind="buyer", before=review.status)
        product_rating_refresh(product_id=review.product_id, shop_id=review.shop_id)
    return review


def review_edit(*, buyer, review_id, stars, text, now=None) -> Review:
    """The buyer changes stars and text once; the review goes back to moderation (hidden until approved).
    A default review, a hidden one or one edited before is refused."""
    now = now or timezone.now()
    stars = _stars(stars)
    text = clean_text(text)
    review = _buyer_review(buyer, review_id)
    if review.is_default:
        raise ValidationError("系统默认好评不能修改，可以追加评价", code="default_review")
    if review.edited_at is not None:
        raise Conflict("评价只能修改一次", code="already_edited")
    if review.status == S.HIDDEN:
        raise ValidationError("该评价已被平台隐藏，不能修改", code="hidden")
    with transaction.atomic():
        before = review.status
        updated = Review.objects.filter(pk=review.pk, edited_at__isnull=True, status=before).update(
            stars=stars, text=text, edited_at=now, status=S.PENDING
        )
        if updated != 1:
            raise Conflict("评价只能修改一次", code="already_edited")
        review.stars, review.text, review.edited_at, review.status = stars, text, now, S.PENDING
        _event(review, "edited", actor=buyer, actor_kind="buyer", before=before, note="修改后待平台审核")
        product_rating_refresh(product_id=review.product_id, shop_id=review.shop_id)
    return review


def review_vote(*, user, review_id) -> int:
    """“有用”: one vote per user per review, not on one's own. The new count; Conflict for a second vote."""
    review = Review.objects.filter(pk=review_id, status=S.PUBLISHED).first()
    if review is None:
        raise NotFound("评价不存在")
    if review.buyer_id == user.pk:
        raise ValidationError("不能给自己的评价点“有用”", code="own_review")
    try:
        with transaction.atomic():
            ReviewVote.objects.create(review=review, user=user)
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    except IntegrityError:
        raise Conflict("你已经点过“有用”了", code="already_voted") from None
    return Review.objects.values_list("helpful_count", flat=True).get(pk=review.pk)


# --- the merchant ------------------------------------------------------------------------------------------------


def _shop_review(shop, review_id) -> Review:
    try:
        pk = int(review_id)
    except (TypeError, ValueError):
        raise NotFound("评价不存在") from None
    review = Review.objects.for_shop(shop).filter(pk=pk).first()
    if review is None:
        raise NotFound("评价不存在")
    return review


def review_reply(*, shop, actor, review_id, text, followup: bool = False) -> Review:
    """The shop answers a review (or its 追评) once. Another shop's review is NotFound."""
    text = clean_text(text, what="回复内容", required=True)
    review = _shop_review(shop, review_id)
    if followup and review.followup_at is None:
        raise ValidationError("买家还没有追评", code="no_followup")
    field, at = ("followup_reply", "followup_replied_at") if followup else ("reply", "replied_at")
    now = timezone.now()
    with transaction.atomic():
        # 广告法: a blocking term refuses the reply on its text; the key keeps reply and 追评回复 apart
        texts_check(
            shop=shop,
            source="review_reply",
            source_id=review.pk,
            fields={"text.followup" if followup else "text": text},
        )
        updated = (
            Review.objects.for_shop(shop)
            .filter(pk=review.pk, **{f"{at}__isnull": True})
            .update(**{field: text, at: now})
        )
        if updated != 1:
            raise Conflict("已经回复过了，每条评价和追评只能回复一次", code="already_replied")
        setattr(review, field, text)
        setattr(review, at, now)
        _event(
            review,
            "followup_reply" if followup else "reply",
            actor=actor,
            actor_kind="seller",
            before=review.status,
        )
    return review


def review_report(*, shop, actor, review_id, reason) -> ReviewReport:
    """The shop asks the platform to hide a review, giving a reason. One open report per review."""
    reason = clean_text(reason, field="reason", what="举报理由", required=True)[:300]
    if len(reason) < 4:
        raise ValidationError("请写清举报理由（至少 4 个字）", field="reason")
    review = _shop_review(shop, review_id)
    if review.status == S.HIDDEN:
        raise ValidationError("该评价已被隐藏", code="hidden")
    try:
        with transaction.atomic():
            report = ReviewReport.objects.create(
                review=review, shop_id=review.shop_id, reason=reason, reported_by=actor
            )
            _event(review, "reported", actor=actor, actor_kind="seller", before=review.status, note=reason)
    except IntegrityError:
        raise Conflict("该评价已有待处理的举报", code="already_reported") from None
    return report


# --- the platform ------------------------------------------------------------------------------------------------


def _operator(user) -> None:
    if not getattr(user, "is_staff", False):
        raise PermissionDenied("只有平台运营可以处理评价")


def _set_status(review: Review, to: str, *, actor, action: str, note: str) -> None:
    before = review.status
    Review.objects.filter(pk=review.pk).update(status=to)
    review.status = to
    _event(review, action, actor=actor, actor_kind="platform", before=before, note=note)
    product_rating_refresh(product_id=review.product_id, shop_id=review.shop_id)


def report_decide(*, operator, report_id, approve: bool, note: str) -> ReviewReport:
    """Approve (the review is hidden) or reject a merchant's report, with a reason shown to the shop."""
    _operator(operator)
    note = clean_text(note, field="note", what="处理说明", required=True)[:300]
    with transaction.atomic():
        report = ReviewReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound("举报不存在")
        if report.status != ReportStatus.PENDING:
            raise Conflict("该举报已处理", code="already_decided")
        review = Review.objects.select_for_update().get(pk=report.review_id)
        report.status = ReportStatus.APPROVED if approve else ReportStatus.REJECTED
        report.decided_by, report.decision_note, report.decided_at = operator, note, timezone.now()
        report.save(update_fields=["status", "decided_by", "decision_note", "decided_at"])
        if approve and review.status != S.HIDDEN:
            _set_status(review, S.HIDDEN, actor=operator, action="hidden", note=f"举报成立：{note}")
        else:
            _event(
                review,
                "report_rejected",
                actor=operator,
                actor_kind="platform",
                before=review.status,
                note=note,
            )
    return report


def review_moderate(*, operator, review_id, approve: bool, note: str = "") -> Review:
    """An edited review waiting for moderation is published again (approve) or hidden with a reason."""
    _operator(operator)
    note = clean_text(note, field="note", what="处理说明", required=not approve)[:300]
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None:
            raise NotFound("评价不存在")
        if review.status != S.PENDING:
            raise Conflict("该评价不在待审核状态", code="not_pending")
        if approve:
            _set_status(review, S.PUBLISHED, actor=operator, action="approved", note=note or "审核通过")
        else:
            _set_status(review, S.HIDDEN, actor=operator, action="hidden", note=note)
    return review


# --- the system: default reviews -------------------------------------------------------------------------------


def reviews_default_due(*, now=None, batch: int = 500) -> int:
    """Lines received more than REVIEW_WINDOW_DAYS ago and never reviewed get a system default positive
    review (5 stars, no DSR), dated when it fell due. Idempotent (one review per line, a unique constraint);
    selects its work from the data, so a run after downtime catches up on everything missed."""
    now = now or timezone.now()
    window = timedelta(days=_setting("REVIEW_WINDOW_DAYS"))
    done, seen = 0, set()
    while True:
        lines = lines_due_default_review(
            received_before=now - window, exclude_line_ids=Review.objects.values("line_id"), limit=batch
        )
        lines = [line for line in lines if line.pk not in seen]
        if not lines:  # nothing left (or only lines that failed in this run: never loop on them)
            return done
        seen.update(line.pk for line in lines)
        touched = set()
        for line in lines:
            try:
                with transaction.atomic():
                    review = Review.objects.create(
                        shop_id=line.shop_id,
                        line=line,
                        order_id=line.order_id,
                        buyer_id=line.order.buyer_id,
                        product_id=line.product_id,
                        sku_id=line.sku_id,
                        spec_text=line.spec_text,
                        title=line.title,
                        stars=5,
                        text=DEFAULT_TEXT,
                        is_default=True,
                        created_at=line.order.received_at + window,
                    )
                    _event(review, "defaulted", actor_kind="system", note="超过评价期限，系统默认好评")
            except IntegrityError:  # the buyer reviewed it a moment ago
                continue
            touched.add((line.product_id, line.shop_id))
            done += 1
        for product_id, shop_id in sorted(touched):
            with transaction.atomic():
                product_rating_refresh(product_id=product_id, shop_id=shop_id)
        if len(lines) < batch:
            return done


# --- aggregates ------------------------------------------------------------------------------------------------


def product_rating_refresh(*, product_id: int, shop_id: int) -> ProductRating:
    """Recount a product's shown reviews into its ProductRating row (in the caller's transaction) and publish
    ProductRatingChanged when the rating or the count moved."""
    shown = Review.objects.filter(product_id=product_id, status=S.PUBLISHED)
    figures = shown.aggregate(
        count=Count("id"),
        written=Count("id", filter=Q(is_default=False)),
        star_sum=Sum("stars", filter=Q(is_default=False)),
        good=Count("id", filter=Q(stars__gte=4)),
        mid=Count("id", filter=Q(stars=3)),
        bad=Count("id", filter=Q(stars__lte=2)),
        with_images=Count("id", filter=Q(has_images=True)),
        with_followup=Count("id", filter=Q(followup_at__isnull=False)),
    )
    figures["star_sum"] = figures["star_sum"] or 0
    old = ProductRating.objects.filter(product_id=product_id).first()
    before = (old.average, old.count) if old else (None, 0)
    row, _ = ProductRating.objects.update_or_create(
        product_id=product_id, defaults={"shop_id": shop_id, **figures}
    )
    if (row.average, row.count) != before:
        events.publish(
            ProductRatingChanged(product_id=product_id, shop_id=shop_id, rating=row.average, count=row.count)
        )
    return row


def _ratings_since(shop_id: int, since) -> list[scoring.Rating]:
    return [
        scoring.Rating(*values)
        for values in ShopRating.objects.filter(shop_id=shop_id, rated_at__gte=since)
        .order_by("rated_at", "id")
        .values_list("id", "buyer_id", "rated_at", "description", "service", "logistics")
    ]


def _dsr_at(ratings, now) -> scoring.Dsr:
    rows = scoring.counted(
        ratings, now=now, window_days=_setting("DSR_WINDOW_DAYS"), monthly_cap=_setting("DSR_MONTHLY_CAP")
    )
    return scoring.average(rows)


def _day_end(day):
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def shop_score_refresh(*, shop_id: int, now=None, main_category: dict | None = None, peers: bool = True):
    """Recompute the shop's DSR as of `now`, today's trend point and (unless `peers` is False) its main
    category's peer average. Runs in the caller's transaction when there is one."""
    now = now or timezone.now()
    ratings = _ratings_since(shop_id, scoring.first_month_start(now, _setting("DSR_WINDOW_DAYS")))
    dsr = _dsr_at(ratings, now)
    category_id = (main_category if main_category is not None else shops_main_category()).get(shop_id)
    values = {
        "counted": dsr.counted,
        "description": dsr.description,
        "service": dsr.service,
        "logistics": dsr.logistics,
    }
    ShopScore.objects.update_or_create(
        shop_id=shop_id, defaults={**values, "category_id": category_id, "computed_at": now}
    )
    ShopScoreDay.objects.update_or_create(shop_id=shop_id, day=timezone.localdate(now), defaults=values)
    if peers and category_id is not None:
        category_score_refresh(category_id=category_id, now=now)


def category_score_refresh(*, category_id: int, now=None) -> CategoryScore:
    """The peers' average: each shop of that main category with counted ratings weighs the same."""
    now = now or timezone.now()
    rows = ShopScore.objects.filter(category_id=category_id, counted__gt=0).aggregate(
        shops=Count("shop_id"),
        description=Sum("description"),
        service=Sum("service"),
        logistics=Sum("logistics"),
    )
    n = rows.pop("shops") or 0
    averages = {k: (round(v / n, 2) if n and v is not None else None) for k, v in rows.items()}
    row, _ = CategoryScore.objects.update_or_create(
        category_id=category_id, defaults={"shops": n, "computed_at": now, **averages}
    )
    return row


def scores_refresh(*, now=None, days_back: int = 0) -> int:
    """The hourly job: every shop with ratings (or a score) gets its DSR recomputed as of now (the window
    slides even without new ratings), the trend points of the days it missed (up to the window; each day as
    it stood at its end), then every category's peer average. Idempotent; catches up after downtime.
    `days_back` rewrites at least that many past days' points (the demo's history)."""
    now = now or timezone.now()
    window = _setting("DSR_WINDOW_DAYS")
    main = shops_main_category()
    shop_ids = set(
        ShopRating.objects.filter(rated_at__gte=now - timedelta(days=window + 31)).values_list(
            "shop_id", flat=True
        )
    ) | set(ShopScore.objects.values_list("shop_id", flat=True))
    today = timezone.localdate(now)
    for shop_id in sorted(shop_ids):
        last = ShopScoreDay.objects.filter(shop_id=shop_id, day__lt=today).order_by("-day").first()
        first_day = max(last.day + timedelta(days=1) if last else today, today - timedelta(days=window))
        first_day = min(first_day, today - timedelta(days=min(days_back, window)))
        oldest = _day_end(first_day) - timedelta(days=1)
        ratings = _ratings_since(shop_id, scoring.first_month_start(oldest, window))
        with transaction.atomic():
            day = first_day
            while day < today:
                dsr = _dsr_at(ratings, _day_end(day))
                ShopScoreDay.objects.update_or_create(
                    shop_id=shop_id,
                    day=day,
                    defaults={
                        "counted": dsr.counted,
                        "description": dsr.description,
                        "service": dsr.service,
                        "logistics": dsr.logistics,
                    },
                )
                day += timedelta(days=1)
            shop_score_refresh(shop_id=shop_id, now=now, main_category=main, peers=False)
    for category_id in sorted(
        set(ShopScore.objects.exclude(category_id=None).values_list("category_id", flat=True))
    ):
        category_score_refresh(category_id=category_id, now=now)
    return len(shop_ids)
