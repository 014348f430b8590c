"""Demo reviews: buyers of received demo orders review most of their lines through the real services (stars,
text, sometimes a photo, the shop's DSR), some add a 追评, shops reply, other buyers vote “有用”; silent lines
past the review window get the system default review from the real job. Each review is written at a moment
after its order's receipt (the services take `now`), so the DSR trend has a month of history."""

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageEnhance

from wanshang.common.errors import DomainError
from wanshang.merchants.selectors import staff_list
from wanshang.orders.models import Order, OrderStatus
from wanshang.reviews.services import (
    review_create,
    review_followup,
    review_reply,
    review_vote,
    reviews_default_due,
    scores_refresh,
)

STARS = [5] * 60 + [4] * 24 + [3] * 8 + [2] * 4 + [1] * 4
TEXTS = {
    5: [
        "质量很好，和描述的一样，物流也快，好评！",
        "第二次回购了，一如既往的好，包装很用心。",
        "做工精细，手感不错，性价比很高，推荐购买。",
        "客服态度很好，有问必答，发货速度快。",
        "",
    ],
    4: [
        "整体不错，就是物流稍微慢了一点。",
        "东西挺好的，颜色比图片略深一点。",
        "还可以，价格合适，值得购买。",
    ],
    3: ["一般般吧，和预期有点差距。", "包装有点简陋，东西还行。"],
    2: ["做工比较粗糙，有线头，不太满意。", "尺码偏小，建议买大一码。"],
    1: ["收到有破损，联系客服处理得很慢。", "和描述不符，不推荐。"],
}
FOLLOWUPS = ["用了一段时间，质量依然很好。", "洗过几次没有变形，推荐。", "用久了发现有点小问题，不过能接受。"]
REPLIES = {
    "good": ["感谢亲的支持，期待再次光临！", "谢谢您的认可，我们会继续努力～"],
    "bad": ["非常抱歉给您带来不好的体验，客服会尽快联系您处理。", "抱歉亲，已为您登记，可申请售后处理。"],
}


def _photo(line, rng) -> ContentFile | None:
    """A buyer's "photo" of the goods: the product picture cropped, turned a little and lit differently."""
    prefix = settings.MEDIA_URL
    if not line.image or not line.image.startswith(prefix):
        return None
    name = line.image.removeprefix(prefix)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name) as f:
        image = Image.open(io.BytesIO(f.read())).convert("RGB")
    w, h = image.size
    margin = int(min(w, h) * rng.uniform(0.05, 0.18))
    image = image.crop((margin, margin, w - margin // 2, h - margin // 2)).rotate(
        rng.uniform(-6, 6), fillcolor="white"
    )
    image = ImageEnhance.Brightness(image).enhance(rng.uniform(0.85, 1.1))
    image.thumbnail((640, 640))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return ContentFile(out.getvalue(), name="photo.jpg")


def _dsr(stars: int, rng) -> dict:
    def near(base):
        return max(1, min(5, base + rng.choice([0, 0, 0, 1, -1])))

    base = 5 if stars >= 4 else stars + 1
    return {"description": near(base), "service": near(5 if stars >= 3 else 3), "logistics": near(5)}


def reviews_create(*, buyers, now, rng, log) -> int:
    """Reviews of the demo's received orders, oldest receipt first; then default reviews and today's scores."""
    orders = list(
        Order.objects.filter(
            status__in=[OrderStatus.RECEIVED, OrderStatus.COMPLETED], received_at__isnull=False
        )
        .select_related("buyer", "shop")
        .prefetch_related("lines")
        .order_by("received_at", "pk")
    )
    repliers = {}
    written = photos = followups = 0
    plan = []
    for order in orders:
        for line in order.lines.all():
            if rng.random() < 0.75:
                hours = (now - order.received_at).total_seconds() / 3600
                when = order.received_at + timedelta(
                    hours=rng.uniform(1, max(1.5, min(hours - 0.5, 14 * 24)))
                )
                plan.append((min(when, now - timedelta(minutes=5)), order, line))
    plan.sort(key=lambda item: (item[0], item[2].pk))
    for when, order, line in plan:
        if when <= order.received_at:
            continue
        stars = rng.choice(STARS)
        photo = _photo(line, rng) if photos < 60 and rng.random() < 0.3 else None
        try:
            review = review_create(
                buyer=order.buyer,
                line_id=line.pk,
                stars=stars,
                text=rng.choice(TEXTS[stars]),
                is_anonymous=rng.random() < 0.3,
                dsr=_dsr(stars, rng),
                images=[photo] if photo else (),
                now=when,
            )
        except DomainError:
            continue
        written += 1
        photos += bool(photo)
        if rng.random() < 0.2 and when + timedelta(days=3) < now:
            review_followup(
                buyer=order.buyer,
                review_id=review.pk,
                text=rng.choice(FOLLOWUPS),
                now=when + timedelta(days=3),
            )
            followups += 1
        if rng.random() < (0.8 if stars <= 3 else 0.4):
            staff = repliers.setdefault(order.shop_id, _replier(order.shop))
            review_reply(
                shop=order.shop,
                actor=staff,
                review_id=review.pk,
                text=rng.choice(REPLIES["good" if stars >= 4 else "bad"]),
            )
        for voter in rng.sample(buyers, k=min(len(buyers), rng.choice([0, 0, 1, 2, 4]))):
            try:
                review_vote(user=voter, review_id=review.pk)
            except DomainError:
                pass
    defaults = reviews_default_due(now=now)
    shops = scores_refresh(now=now, days_back=30)
    log(
        f"  评价 {written} 条（晒图 {photos}，追评 {followups}），系统默认好评 {defaults} 条，{shops} 家店铺有评分"
    )
    return written


def _replier(shop):
    staff = staff_list(shop=shop)
    member = next((m for m in staff if m.role == "service"), None) or staff[0]
    return member.user
