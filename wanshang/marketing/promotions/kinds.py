"""Promotion kinds: each is one small class that validates its rules and says where it sits in the stacking policy.

Stacking policy (docs/promotions.md):
  1. item level — member price, limited-time discount, flash sale, group price, wholesale tier: the engine
     takes the lowest for each line; they never stack with each other. Bundles then apply to lines that
     carry no item-level price.
  2. shop level — 满减/满折 and shop coupons: one of each at most, both computed on the shop's goods after
     item-level prices; they combine only if each lists the other in `combine_with`.
  3. platform level — one platform coupon (cross-shop, cost shared with merchants), then points.
A promotion's `combine_with` names the later-stage promotions it allows on the same goods; a line whose
item-level price does not allow, say, coupons is left out of every coupon's base.

Adding a kind: a value in `Kind` (`marketing/types.py`), a subclass here with `clean_config` / `clean_item`,
registered with `@kind`, and, if it prices goods, a branch in `steps/items.py`.
"""

from wanshang.common.errors import ValidationError
from wanshang.marketing.types import ITEM_KINDS, LATER_TOKENS, Kind

MAX_FEN = 10**10  # ¥1 亿: more than any single promotion needs


def _int(data: dict, key: str, label: str, *, lo: int = 0, hi: int = MAX_FEN, default=None) -> int:
    value = data.get(key, default)
    if value is None or value == "":
        raise ValidationError(f"请填写{label}", field=key)
    if isinstance(value, bool):
        raise ValidationError(f"{label}须为整数", field=key)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label}须为整数", field=key) from None
    if not lo <= value <= hi:
        raise ValidationError(f"{label}须在 {lo}–{hi} 之间", field=key)
    return value


def _bps(data: dict, key: str = "discount_bps", label: str = "折扣") -> int:
    """A discount as 万分比 of the price: 8500 = 8.5 折. 0 and 10000 are not discounts."""
    return _int(data, key, label + "（万分比，如 8500 表示 8.5 折）", lo=1, hi=9999)


def yuan(fen: int) -> str:
    """Yuan as people write it in promotion names: 300, 38.5, 0.01."""
    whole, part = divmod(int(fen), 100)
    return str(whole) if not part else f"{whole}.{part:02d}".rstrip("0")


class KindSpec:
    kind: str
    stage: str  # item / shop / platform
    needs_items = False
    item_fields: tuple = ()
    exclusive = True  # the same SKU may not sit in two overlapping promotions of this kind
    needs_end = True

    def clean_config(self, config: dict, *, platform: bool) -> dict:
        return {}

    def clean_item(self, item: dict, *, sku_price_fen: int, config: dict) -> dict:
        return {}

    def clean_items(self, items: list[dict], *, config: dict, sku_prices: dict[int, int]) -> None:
        """Checks over all items together (bundle price vs the set)."""

    def clean_combine(self, config: dict, token_key: str) -> list[str]:
        allowed = LATER_TOKENS[token_key]
        given = config.get("combine_with")
        if given is None:
            return list(allowed)
        if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
            raise ValidationError("可叠加的优惠须为列表", field="combine_with")
        for token in given:
            if token in ITEM_KINDS or token == "bundle":
                raise ValidationError(
                    "商品级优惠（会员价、限时折扣、秒杀、拼团、阶梯价、套餐）之间不叠加，系统自动取最优，"
                    "不能设置为可叠加",
                    field="combine_with",
                )
            if token not in allowed:
                raise ValidationError(
                    f"“{token}”不能与本活动叠加：叠加顺序为商品级 → 店铺级 → 平台级", field="combine_with"
                )
        return sorted(set(given))


_KINDS: dict[str, KindSpec] = {}


def kind(cls):
    _KINDS[cls.kind] = cls()
    return cls


def spec_for(kind_name: str) -> KindSpec:
    try:
        return _KINDS[kind_name]
    except KeyError:
        raise ValidationError("未知的活动类型", field="kind") from None


@kind
class CouponSpec(KindSpec):
    kind = Kind.COUPON
    stage = "shop"
    exclusive = False

    def clean_config(self, config, *, platform):
        out = {"type": config.get("type") or "amount"}
        if out["type"] not in ("amount", "percent"):
            raise ValidationError("券类型须为满减券或折扣券", field="type")
        out["threshold_fen"] = _int(config, "threshold_fen", "使用门槛", default=0)
        if out["type"] == "amount":
            out["amount_fen"] = _int(config, "amount_fen", "面额", lo=1)
            if out["threshold_fen"] and out["amount_fen"] >= out["threshold_fen"]:
                raise ValidationError(
                    f"面额 ¥{yuan(out['amount_fen'])} 须小于使用门槛 ¥{yuan(out['threshold_fen'])}",
                    field="amount_fen",
                )
        else:
            out["discount_bps"] = _bps(config)
            out["cap_fen"] = _int(config, "cap_fen", "最多优惠", default=0)
        out["valid_days"] = _int(config, "valid_days", "领取后有效天数", hi=365, default=0)
        out["public"] = bool(config.get("public", True))
        out["combine_with"] = self.clean_combine(config, "platform_coupon" if platform else "coupon")
        return out


@kind
class FullReductionSpec(KindSpec):
    kind = Kind.FULL_REDUCTION
    stage = "shop"

    def clean_config(self, config, *, platform):
        if platform:
            raise ValidationError("平台跨店满减请用平台券（满减券）", field="kind")
        mode = config.get("mode") or "tiers"
        out: dict = {"mode": mode}
        if mode == "tiers":
            tiers = _tiers(config.get("tiers"), "满减档位", qty=False)
            for threshold, off in tiers:
                if off >= threshold:
                    raise ValidationError(
                        f"满 ¥{yuan(threshold)} 减 ¥{yuan(off)}：优惠须小于门槛", field="tiers"
                    )
            if any(b[1] <= a[1] for a, b in zip(tiers, tiers[1:], strict=False)):
                raise ValidationError("门槛越高优惠须越大", field="tiers")
            out["tiers"] = tiers
        elif mode == "every":
            out["every_fen"] = _int(config, "every_fen", "每满金额", lo=1)
            out["off_fen"] = _int(config, "off_fen", "每满减金额", lo=1)
            if out["off_fen"] >= out["every_fen"]:
                raise ValidationError("每满减的优惠须小于每满金额", field="off_fen")
            out["cap_fen"] = _int(config, "cap_fen", "封顶优惠", default=0)
        elif mode == "qty":
            tiers = _tiers(config.get("tiers"), "满件折档位", qty=True)
            for _n, bps in tiers:
                if not 1 <= bps <= 9999:
                    raise ValidationError("折扣须在 1–9999 万分比之间（如 9000 表示 9 折）", field="tiers")
            if any(b[1] >= a[1] for a, b in zip(tiers, tiers[1:], strict=False)):
                raise ValidationError("件数越多折扣须越低", field="tiers")
            out["tiers"] = tiers
        else:
            raise ValidationError("满减方式须为阶梯满减、每满减或满件折", field="mode")
        out["combine_with"] = self.clean_combine(config, "full_reduction")
        return out


def _tiers(raw, label: str, *, qty: bool) -> list[list[int]]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 5:
        raise ValidationError(f"请设置 1–5 个{label}", field="tiers")
    out = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationError(f"{label}格式错误", field="tiers")
        a = _int({"v": pair[0]}, "v", "件数" if qty else "门槛", lo=1)
        b = _int({"v": pair[1]}, "v", "折扣" if qty else "优惠金额", lo=1)
        out.append([a, b])
    if any(b[0] <= a[0] for a, b in zip(out, out[1:], strict=False)):
        raise ValidationError(f"{label}须按门槛从低到高排列且不重复", field="tiers")
    return out


class ItemPriceSpec(KindSpec):
    stage = "item"
    needs_items = True

    def clean_config(self, config, *, platform):
        if platform:
            raise ValidationError("该类型只能由店铺创建", field="kind")
        return {"combine_with": self.clean_combine(config, "item")}

    def _price_below(self, value: int, sku_price_fen: int, label: str) -> int:
        if value >= sku_price_fen:
            raise ValidationError(
                f"{label} ¥{yuan(value)} 须低于售价 ¥{yuan(sku_price_fen)}", field="price_fen"
            )
        return value


@kind
class TimeDiscountSpec(ItemPriceSpec):
    kind = Kind.TIME_DISCOUNT

    def clean_item(self, item, *, sku_price_fen, config):
        if item.get("price_fen") not in (None, ""):
            price = _int(item, "price_fen", "折扣价", lo=1)
            return {"price_fen": self._price_below(price, sku_price_fen, "折扣价")}
        return {"discount_bps": _bps(item)}


@kind
class MemberPriceSpec(ItemPriceSpec):
    kind = Kind.MEMBER_PRICE
    needs_items = False
    needs_end = False

    def clean_config(self, config, *, platform):
        out = super().clean_config(config, platform=platform)
        level_bps = config.get("level_bps") or {}
        if not isinstance(level_bps, dict):
            raise ValidationError("会员折扣格式错误", field="level_bps")
        out["level_bps"] = {
            str(_int({"v": r}, "v", "会员等级", lo=1, hi=9)): _bps({"v": b}, "v", "会员折扣")
            for r, b in level_bps.items()
        }
        return out

    def clean_item(self, item, *, sku_price_fen, config):
        prices = item.get("level_prices") or {}
        if not isinstance(prices, dict) or not prices:
            raise ValidationError("请为至少一个会员等级设置会员价", field="level_prices")
        out = {}
        for rank, price in prices.items():
            rank = str(_int({"v": rank}, "v", "会员等级", lo=1, hi=9))
            out[rank] = self._price_below(_int({"v": price}, "v", "会员价", lo=1), sku_price_fen, "会员价")
        return {"level_prices": out}


@kind
class FlashSaleSpec(ItemPriceSpec):
    kind = Kind.FLASH_SALE

    def clean_item(self, item, *, sku_price_fen, config):
        price = self._price_below(_int(item, "price_fen", "秒杀价", lo=1), sku_price_fen, "秒杀价")
        return {"price_fen": price, "stock": _int(item, "stock", "秒杀库存", lo=1, hi=1_000_000)}


@kind
class GroupBuySpec(ItemPriceSpec):
    kind = Kind.GROUP_BUY

    def clean_config(self, config, *, platform):
        out = super().clean_config(config, platform=platform)
        out["size"] = _int(config, "size", "成团人数", lo=2, hi=50)
        out["hours"] = _int(config, "hours", "成团时限（小时）", lo=1, hi=72)
        return out

    def clean_item(self, item, *, sku_price_fen, config):
        return {
            "price_fen": self._price_below(_int(item, "price_fen", "拼团价", lo=1), sku_price_fen, "拼团价")
        }


@kind
class WholesaleSpec(ItemPriceSpec):
    kind = Kind.WHOLESALE
    needs_end = False

    def clean_config(self, config, *, platform):
        out = super().clean_config(config, platform=platform)
        out["wholesale_only"] = bool(config.get("wholesale_only", False))
        return out

    def clean_item(self, item, *, sku_price_fen, config):
        tiers = _tiers(item.get("tiers"), "阶梯价", qty=True)
        for _qty, price in tiers:
            self._price_below(price, sku_price_fen, "阶梯价")
        if any(b[1] >= a[1] for a, b in zip(tiers, tiers[1:], strict=False)):
            raise ValidationError("数量越多单价须越低", field="tiers")
        return {"tiers": tiers}


@kind
class BundleSpec(KindSpec):
    kind = Kind.BUNDLE
    stage = "item"
    needs_items = True
    exclusive = False

    def clean_config(self, config, *, platform):
        if platform:
            raise ValidationError("套餐只能由店铺创建", field="kind")
        return {
            "price_fen": _int(config, "price_fen", "套餐价", lo=1),
            "combine_with": self.clean_combine(config, "bundle"),
        }

    def clean_item(self, item, *, sku_price_fen, config):
        return {"quantity": _int(item, "quantity", "套餐件数", lo=1, hi=99, default=1)}

    def clean_items(self, items, *, config, sku_prices):
        if len(items) < 2:
            raise ValidationError("套餐至少包含 2 个商品规格", field="items")
        whole = sum(sku_prices[i["sku_id"]] * i["quantity"] for i in items)
        if config["price_fen"] >= whole:
            raise ValidationError(
                f"套餐价 ¥{yuan(config['price_fen'])} 须低于单买合计 ¥{yuan(whole)}", field="price_fen"
            )
