"""Domain objects → plain dicts for the storefront API (the shapes are declared in schemas.py)."""

from django.core.paginator import Paginator

from wanshang.storefront.promo_display import mask_name, team_status_label


def shop_brief(shop) -> dict:
    return {"id": shop.pk, "name": shop.name, "slug": shop.slug, "logo_url": shop.logo_url}


def category_node(node) -> dict:
    return {
        "id": node.pk,
        "name": node.name,
        "slug": node.slug,
        "level": node.level,
        "children": [category_node(kid) for kid in getattr(node, "kids", [])],
    }


def product_card(p, overlay=None) -> dict:
    """`overlay`: promo_display.CardOverlay of the listed products (this buyer's promotion prices and tags)."""
    price = overlay.prices.get(p.pk) if overlay else None
    promoted = bool(price and price.label and price.price_fen < price.list_price_fen)
    return {
        "id": p.pk,
        "title": p.title,
        "subtitle": p.subtitle,
        "image": p.main_image,
        "min_price_fen": p.min_price_fen,
        "sales_count": p.sales_count,
        "is_wholesale": p.is_wholesale,
        "min_order_qty": p.min_order_qty,
        "shop": shop_brief(p.shop),
        "price_fen": price.price_fen if price else p.min_price_fen,
        "price_label": price.label if promoted else "",
        "tags": list(overlay.tags.get(p.pk, [])) if overlay else [],
    }


def product_detail(p, *, skus, stock: dict[int, int], overlay=None) -> dict:
    return {
        **product_card(p, overlay),
        "images": p.images,
        "video_url": p.video_url,
        "detail_html": p.detail_html,
        "attributes": p.attributes,
        "spec_axes": p.spec_axes,
        "category_id": p.category_id,
        "brand": p.brand.name if p.brand else None,
        "skus": [
            {
                "id": s.pk,
                "spec_values": s.spec_values,
                "spec_text": s.spec_text,
                "price_fen": s.price_fen,
                "original_price_fen": s.original_price_fen,
                "available": stock.get(s.pk, 0),
            }
            for s in skus
        ],
    }


def page_of(qs, *, page, per_page: int, item) -> dict:
    paginator = Paginator(qs, per_page)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": [item(obj) for obj in current.object_list],
    }


def adjustment(a) -> dict:
    return {"code": a.code, "label": a.label, "amount_fen": a.amount_fen}


def priced_line(line) -> dict:
    return {
        "sku_id": line.sku_id,
        "product_id": line.product.pk,
        "title": line.product.title,
        "spec_text": line.sku.spec_text,
        "image": line.product.main_image,
        "unit_price_fen": line.unit_price_fen,
        "quantity": line.quantity,
        "subtotal_fen": line.subtotal_fen,
        "discount_fen": line.discount_fen,
        "payable_fen": line.payable_fen,
        "available": line.available,
        "ok": line.ok,
        "problem": line.problem,
        "selected": getattr(line, "selected", None),
        "list_price_fen": line.list_price_fen,
        "promotion_label": line.item_price.label if line.item_price else "",
        "item_discount_fen": line.item_discount_fen if line.ok else 0,
        "notes": list(line.notes),
    }


def breakdown(a) -> dict:
    return {**adjustment(a), "stage": a.stage, "platform_fen": a.platform_fen}


def coupon_view(v) -> dict:
    return {
        "coupon_id": v.coupon.pk,
        "promotion_id": v.coupon.promotion_id,
        "label": v.label,
        "shop_id": v.coupon.shop_id,
        "usable": v.usable,
        "chosen": v.chosen,
        "amount_fen": v.amount_fen,
        "reason": v.reason,
        "valid_until": v.coupon.valid_until,
    }


def shop_group(group) -> dict:
    return {
        "shop": shop_brief(group.shop),
        "lines": [priced_line(line) for line in group.lines],
        "adjustments": [adjustment(a) for a in group.adjustments],
        "subtotal_fen": group.subtotal_fen,
        "discount_fen": group.discount_fen,
        "freight_fen": group.freight_fen,
        "total_fen": group.total_fen,
        "problem": group.problem,
        "breakdown": [breakdown(a) for a in group.breakdown],
        "hints": list(group.hints),
        "item_discount_fen": group.item_discount_fen,
    }


def cart(priced) -> dict:
    chosen = [line for line in priced.valid_lines if getattr(line, "selected", False)]
    return {
        "groups": [shop_group(g) for g in priced.groups],
        "line_count": len(priced.lines),
        "selected_quantity": sum(line.quantity for line in chosen),
        "selected_fen": sum(line.payable_fen for line in chosen),
        "adjustments": [adjustment(a) for a in priced.adjustments],
        "coupons": [coupon_view(v) for v in priced.coupons],
    }


def address(a) -> dict | None:
    if a is None:
        return None
    return {
        "id": a.pk,
        "receiver": a.receiver,
        "phone": a.phone,
        "province_code": a.province_code,
        "city_code": a.city_code,
        "district_code": a.district_code,
        "region_text": a.region_text,
        "detail": a.detail,
        "is_default": a.is_default,
    }


def preview(priced, addr) -> dict:
    return {
        "groups": [shop_group(g) for g in priced.groups],
        "address": address(addr),
        "adjustments": [adjustment(a) for a in priced.adjustments],
        "goods_fen": priced.goods_fen,
        "discount_fen": priced.discount_fen,
        "freight_fen": priced.freight_fen,
        "payable_fen": priced.payable_fen,
        "problems": priced.problems,
        "can_submit": addr is not None and bool(priced.valid_lines) and not priced.problems,
        "item_discount_fen": priced.item_discount_fen,
        "coupons": [coupon_view(v) for v in priced.coupons],
        "coupon_ids": [v.coupon.pk for v in priced.coupons if v.chosen],
        "points_used": priced.points_used,
        "points_available": priced.points_available,
        "points_max": priced.points_max,
    }


def order(o) -> dict:
    return {
        "id": o.pk,
        "no": o.no,
        "status": o.status,
        "status_label": o.get_status_display(),
        "shop": shop_brief(o.shop),
        "payment_no": o.payment.no,
        "goods_fen": o.goods_fen,
        "discount_fen": o.discount_fen,
        "freight_fen": o.freight_fen,
        "total_fen": o.total_fen,
        "created_at": o.created_at,
        "pay_deadline": o.pay_deadline,
        "lines": [
            {
                "id": line.pk,
                "refunded_qty": line.refunded_qty,
                "refunded_fen": line.refunded_fen,
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "title": line.title,
                "spec_text": line.spec_text,
                "image": line.image,
                "unit_price_fen": line.unit_price_fen,
                "quantity": line.quantity,
                "subtotal_fen": line.subtotal_fen,
                "discount_fen": line.discount_fen,
                "payable_fen": line.payable_fen,
                "list_price_fen": line.list_price_fen,
                "promotion_label": line.promotion_label,
                "discounts": line.discounts,
            }
            for line in o.lines.all()
        ],
        "item_discount_fen": o.item_discount_fen,
        "points_used": o.points_used,
    }


def refund(r) -> dict | None:
    if r is None:
        return None
    return {
        "id": r.pk,
        "no": r.no,
        "status": r.status,
        "status_label": r.get_status_display(),
        "amount_fen": r.amount_fen,
        "reason": r.reason,
        "seller_note": r.seller_note,
        "created_at": r.created_at,
        "is_full": r.is_full,
    }


def order_detail(o, *, current_refund) -> dict:
    return {
        **order(o),
        "address": o.address,
        "buyer_note": o.buyer_note,
        "adjustments": o.adjustments,
        "carrier": o.carrier,
        "tracking_no": o.tracking_no,
        "paid_at": o.paid_at,
        "shipped_at": o.shipped_at,
        "completed_at": o.completed_at,
        "cancelled_at": o.cancelled_at,
        "cancel_reason": o.cancel_reason,
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor_kind": e.actor_kind,
                "note": e.note,
                "created_at": e.created_at,
            }
            for e in o.events.all()
        ],
        "refund": refund(current_refund),
    }


def payment(p, *, gateways) -> dict:
    orders = list(p.orders.all())
    pending = [o.pay_deadline for o in orders if o.status == "pending_payment"]
    return {
        "payment_no": p.no,
        "amount_fen": p.amount_fen,
        "status": p.status,
        "status_label": p.get_status_display(),
        "paid_at": p.paid_at,
        "pay_deadline": min(pending) if pending else None,
        "orders": [
            {"id": o.pk, "no": o.no, "status": o.status, "shop": shop_brief(o.shop), "total_fen": o.total_fen}
            for o in orders
        ],
        "gateways": [{"code": code, "name": name} for code, name in gateways],
    }


# --- promotions -------------------------------------------------------------------------------------------------


def coupon_offer(promo, *, claimed: int) -> dict:
    c = promo.config
    limit = promo.per_buyer_limit
    return {
        "promotion_id": promo.pk,
        "name": promo.name,
        "label": promo.label,
        "shop": shop_brief(promo.shop) if promo.shop_id else None,
        "threshold_fen": c.get("threshold_fen", 0),
        "starts_at": promo.starts_at,
        "ends_at": promo.ends_at,
        "valid_days": c.get("valid_days") or 0,
        "per_buyer_limit": limit,
        "claimed": claimed,
        "can_claim": not limit or claimed < limit,
    }


def my_coupon(c) -> dict:
    return {
        "id": c.pk,
        "promotion_id": c.promotion_id,
        "name": c.promotion.name,
        "label": getattr(c, "label", c.promotion.name),
        "shop": shop_brief(c.shop) if c.shop_id else None,
        "status": c.status,
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
        "used_at": c.used_at,
    }


def flash_item(item, *, sku=None, product=None) -> dict:
    sku = sku or item.sku
    product = product or sku.product
    return {
        "item_id": item.pk,
        "sku_id": sku.pk,
        "product_id": product.pk,
        "title": product.title,
        "spec_text": sku.spec_text,
        "image": product.main_image,
        "price_fen": item.price_fen,
        "list_price_fen": sku.price_fen,
        "stock": item.stock,
        "left": max(item.stock - item.sold, 0),
        "sold_out": item.sold >= item.stock,
    }


def flash_session(s) -> dict:
    return {
        "name": s["name"],
        "starts_at": s["starts_at"],
        "ends_at": s["ends_at"],
        "running": s["running"],
        "items": [flash_item(r["item"], sku=r["sku"], product=r["product"]) for r in s["items"]],
    }


def product_promotions(product, promos, *, rows, claimed: dict, now) -> dict:
    """`rows`: promo_display.sku_displays of the product's SKUs (price, §16-checked reference prices, stock)."""
    skus = {r.sku.pk: r.sku for r in rows}
    flash = promos.flash
    group = promos.group_buy
    return {
        "product_id": product.pk,
        "prices": [
            {
                "sku_id": r.sku.pk,
                "list_price_fen": r.price.list_price_fen,
                "price_fen": r.price.price_fen,
                "label": r.price.label if r.promoted else "",
                "ends_at": r.price.ends_at if r.promoted else None,
                "notes": list(r.price.notes),
                "original_price_fen": r.original_fen,
                "msrp_fen": r.msrp_fen,
                "available": r.stock,
            }
            for r in rows
        ],
        "tags": list(promos.tags),
        "full_reductions": list(promos.full_reductions),
        "coupons": [coupon_offer(c, claimed=claimed.get(c.pk, 0)) for c in promos.coupons],
        "flash": {
            "promotion_id": flash.pk,
            "name": flash.name,
            "starts_at": flash.starts_at,
            "ends_at": flash.ends_at,
            "running": flash.starts_at <= now,
            "per_buyer_limit": flash.per_buyer_limit,
            "items": [
                flash_item(it, sku=skus[sid], product=product)
                for sid, it in promos.flash_items.items()
                if sid in skus
            ],
        }
        if flash
        else None,
        "group_buy": {
            "promotion_id": group.pk,
            "name": group.name,
            "size": group.config["size"],
            "hours": group.config["hours"],
            "per_buyer_limit": group.per_buyer_limit,
            "items": [
                {
                    "item_id": it.pk,
                    "sku_id": sid,
                    "price_fen": it.price_fen,
                    "list_price_fen": skus[sid].price_fen,
                }
                for sid, it in promos.group_items.items()
                if sid in skus
            ],
            "open_teams": [
                {
                    "id": t.pk,
                    "leader": mask_name(t.leader.display_name),
                    "item_id": t.item_id,
                    "size": t.size,
                    "paid_count": t.paid_count,
                    "missing": max(t.size - t.paid_count, 0),
                    "expires_at": t.expires_at,
                }
                for t in promos.open_teams
            ],
        }
        if group
        else None,
        "bundles": [
            {
                "promotion_id": b.pk,
                "name": b.name,
                "price_fen": b.config["price_fen"],
                "whole_fen": whole,
                "items": [
                    {
                        "sku_id": sku.pk,
                        "product_id": sku.product_id,
                        "title": sku.product.title,
                        "spec_text": sku.spec_text,
                        "quantity": member.quantity,
                        "price_fen": sku.price_fen,
                    }
                    for member, sku in members
                ],
            }
            for b, members, whole in promos.bundles
        ],
    }


def points(balance: int, entries, *, reasons: dict, rules: list[str]) -> dict:
    return {
        "balance": balance,
        "rules": [str(r) for r in rules],
        "entries": [
            {
                "delta": e.delta,
                "balance_after": e.balance_after,
                "reason": e.reason,
                "reason_label": str(reasons.get(e.reason, e.reason)),
                "note": e.note,
                "created_at": e.created_at,
            }
            for e in entries
        ],
    }


def group_team(team, *, viewer, now) -> dict:
    members = list(team.members.all())
    sku = team.item.sku
    joined = bool(getattr(viewer, "is_authenticated", False)) and any(
        m.buyer_id == viewer.pk for m in members
    )
    seats = max(team.size - len(members), 0)
    open_now = team.status == "open" and team.expires_at > now
    return {
        "id": team.pk,
        "status": team.status,
        "status_label": team_status_label(team, now),
        "product_id": sku.product.pk,
        "title": sku.product.title,
        "spec_text": sku.spec_text,
        "image": sku.product.main_image,
        "item_id": team.item_id,
        "sku_id": sku.pk,
        "group_price_fen": team.item.price_fen,
        "list_price_fen": sku.price_fen,
        "size": team.size,
        "seats_left": seats,
        "paid_count": team.paid_count,
        "expires_at": team.expires_at,
        "members": [
            {
                "name": mask_name(m.buyer.display_name),
                "is_leader": m.buyer_id == team.leader_id,
                "paid": m.paid,
            }
            for m in members
        ],
        "joined": joined,
        "can_join": open_now and seats > 0 and not joined,
    }
