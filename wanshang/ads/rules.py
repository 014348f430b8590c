"""The platform's ad settings (one row) and the operator's edit of them."""

from wanshang.ads.models import AdSettings
from wanshang.common.errors import ValidationError
from wanshang.common.money import MAX_FEN, fen_to_yuan_str

EDITABLE = (
    "reserve_price_fen",
    "max_bid_fen",
    "slot_positions",
    "click_dedup_minutes",
    "attribution_days",
    "max_keywords_per_group",
    "min_topup_fen",
    "max_topup_fen",
    "trust_words",
)


def ad_settings() -> AdSettings:
    """The settings row; until an operator first saves it, the defaults (unsaved: a read never writes, so a
    search page that asks for the ad slots does not make its visitor sticky to the primary database)."""
    return AdSettings.objects.filter(pk=1).first() or AdSettings(pk=1)


def ad_settings_update(**values) -> AdSettings:
    """Change the settings an operator may change; refuses values that make no sense."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"未知的设置：{', '.join(sorted(unknown))}")
    row = ad_settings()
    for key, value in values.items():
        setattr(row, key, value)
    if not 1 <= row.reserve_price_fen <= row.max_bid_fen:
        raise ValidationError("底价须大于 0 且不高于最高出价", field="reserve_price_fen")
    if row.max_bid_fen > 100_000:
        raise ValidationError("最高出价不能超过 ¥1000", field="max_bid_fen")
    slots = row.slot_positions
    if (
        not isinstance(slots, list)
        or not slots
        or len(slots) > 20
        or not all(isinstance(s, int) and 1 <= s <= 200 for s in slots)
        or len(set(slots)) != len(slots)
    ):
        raise ValidationError("广告位须是 1–200 之间互不相同的位置，最多 20 个", field="slot_positions")
    row.slot_positions = sorted(slots)
    if not 1 <= row.click_dedup_minutes <= 24 * 60:
        raise ValidationError("点击去重窗口须在 1 分钟到 24 小时之间", field="click_dedup_minutes")
    if not 1 <= row.attribution_days <= 90:
        raise ValidationError("归因窗口须在 1–90 天之间", field="attribution_days")
    if not 1 <= row.max_keywords_per_group <= 1000:
        raise ValidationError("每单元关键词上限须在 1–1000 之间", field="max_keywords_per_group")
    if not 1 <= row.min_topup_fen <= row.max_topup_fen:
        raise ValidationError("最低充值须大于 0 且不高于最高充值", field="min_topup_fen")
    if row.max_topup_fen > MAX_FEN:
        # a balance sums top-ups and adjustments (each ≤ this): past MAX_FEN it nears the 64-bit column's end
        raise ValidationError(f"最高充值不能超过 ¥{fen_to_yuan_str(MAX_FEN)}", field="max_topup_fen")
    words = row.trust_words
    if not isinstance(words, list) or not all(isinstance(w, str) and 0 < len(w.strip()) <= 10 for w in words):
        raise ValidationError("信任背书词须是 1–10 个字的词", field="trust_words")
    row.trust_words = [w.strip() for w in words][:100]
    row.save()
    return row
