"""The words a held coupon shows (kept apart so the loading code can label coupons once per promotion)."""

from wanshang.marketing.promotions.kinds import yuan


def coupon_label(promotion) -> str:
    c = promotion.config
    prefix = "平台券" if promotion.shop_id is None else "店铺券"
    if c["type"] == "amount":
        body = (
            f"满{yuan(c['threshold_fen'])}减{yuan(c['amount_fen'])}"
            if c["threshold_fen"]
            else f"无门槛减{yuan(c['amount_fen'])}"
        )
    else:
        body = (
            f"满{yuan(c['threshold_fen'])}" if c["threshold_fen"] else ""
        ) + f"{c['discount_bps'] / 1000:g}折"
        if c.get("cap_fen"):
            body += f"（最多减{yuan(c['cap_fen'])}）"
    return f"{prefix} {body}"
