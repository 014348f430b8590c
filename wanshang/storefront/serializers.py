"""Domain objects → plain dicts for the storefront API (the shapes are declared in schemas.py)."""

from django.core.paginator import Paginator


def shop_brief(shop) -> dict:
    return {"id": shop.pk, "name": shop.name, "slug": shop.slug, "logo_url": shop.logo_url}


def category_node(node) -> dict:
    return {"id": node.pk, "name": node.name, "slug": node.slug, "level": node.level,
            "children": [category_node(kid) for kid in getattr(node, "kids", [])]}


def product_card(p) -> dict:
    return {
        "id": p.pk, "title": p.title, "subtitle": p.subtitle, "image": p.main_image,
        "min_price_fen": p.min_price_fen, "sales_count": p.sales_count, "is_wholesale": p.is_wholesale,
        "min_order_qty": p.min_order_qty, "shop": shop_brief(p.shop),
    }


def product_detail(p, *, skus, stock: dict[int, int]) -> dict:
    return {
        **product_card(p),
        "images": p.images, "video_url": p.video_url, "detail_html": p.detail_html, "attributes": p.attributes,
        "spec_axes": p.spec_axes, "category_id": p.category_id, "brand": p.brand.name if p.brand else None,
        "skus": [{
            "id": s.pk, "spec_values": s.spec_values, "spec_text": s.spec_text, "price_fen": s.price_fen,
            "original_price_fen": s.original_price_fen, "available": stock.get(s.pk, 0),
        } for s in skus],
    }


def page_of(qs, *, page, per_page: int, item) -> dict:
    paginator = Paginator(qs, per_page)
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages,
            "items": [item(obj) for obj in current.object_list]}


def adjustment(a) -> dict:
    return {"code": a.code, "label": a.label, "amount_fen": a.amount_fen}


def priced_line(line) -> dict:
    return {
        "sku_id": line.sku_id, "product_id": line.product.pk, "title": line.product.title,
        "spec_text": line.sku.spec_text, "image": line.product.main_image, "unit_price_fen": line.unit_price_fen,
        "quantity": line.quantity, "subtotal_fen": line.subtotal_fen, "discount_fen": line.discount_fen,
        "payable_fen": line.payable_fen, "available": line.available, "ok": line.ok, "problem": line.problem,
        "selected": getattr(line, "selected", None),
    }


def shop_group(group) -> dict:
    return {
        "shop": shop_brief(group.shop), "lines": [priced_line(line) for line in group.lines],
        "adjustments": [adjustment(a) for a in group.adjustments], "subtotal_fen": group.subtotal_fen,
        "discount_fen": group.discount_fen, "freight_fen": group.freight_fen, "total_fen": group.total_fen,
        "problem": group.problem,
    }


def cart(priced) -> dict:
    chosen = [line for line in priced.valid_lines if getattr(line, "selected", False)]
    return {
        "groups": [shop_group(g) for g in priced.groups], "line_count": len(priced.lines),
        "selected_quantity": sum(line.quantity for line in chosen),
        "selected_fen": sum(line.payable_fen for line in chosen),
    }


def address(a) -> dict | None:
    if a is None:
        return None
    return {"id": a.pk, "receiver": a.receiver, "phone": a.phone, "province_code": a.province_code,
            "city_code": a.city_code, "district_code": a.district_code, "region_text": a.region_text,
            "detail": a.detail, "is_default": a.is_default}


def preview(priced, addr) -> dict:
    return {
        "groups": [shop_group(g) for g in priced.groups], "address": address(addr),
        "adjustments": [adjustment(a) for a in priced.adjustments], "goods_fen": priced.goods_fen,
        "discount_fen": priced.discount_fen, "freight_fen": priced.freight_fen, "payable_fen": priced.payable_fen,
        "problems": priced.problems,
        "can_submit": addr is not None and bool(priced.valid_lines) and not priced.problems,
    }


def order(o) -> dict:
    return {
        "id": o.pk, "no": o.no, "status": o.status, "status_label": o.get_status_display(),
        "shop": shop_brief(o.shop), "payment_no": o.payment.no, "goods_fen": o.goods_fen,
        "discount_fen": o.discount_fen, "freight_fen": o.freight_fen, "total_fen": o.total_fen,
        "created_at": o.created_at, "pay_deadline": o.pay_deadline,
        "lines": [{
            "sku_id": line.sku_id, "product_id": line.product_id, "title": line.title, "spec_text": line.spec_text,
            "image": line.image, "unit_price_fen": line.unit_price_fen, "quantity": line.quantity,
            "subtotal_fen": line.subtotal_fen, "discount_fen": line.discount_fen, "payable_fen": line.payable_fen,
        } for line in o.lines.all()],
    }


def refund(r) -> dict | None:
    if r is None:
        return None
    return {"id": r.pk, "no": r.no, "status": r.status, "status_label": r.get_status_display(),
            "amount_fen": r.amount_fen, "reason": r.reason, "seller_note": r.seller_note, "created_at": r.created_at}


def order_detail(o, *, current_refund) -> dict:
    return {
        **order(o),
        "address": o.address, "buyer_note": o.buyer_note, "adjustments": o.adjustments, "carrier": o.carrier,
        "tracking_no": o.tracking_no, "paid_at": o.paid_at, "shipped_at": o.shipped_at,
        "completed_at": o.completed_at, "cancelled_at": o.cancelled_at, "cancel_reason": o.cancel_reason,
        "events": [{"from_status": e.from_status, "to_status": e.to_status, "actor_kind": e.actor_kind,
                    "note": e.note, "created_at": e.created_at} for e in o.events.all()],
        "refund": refund(current_refund),
    }


def payment(p, *, gateways) -> dict:
    orders = list(p.orders.all())
    pending = [o.pay_deadline for o in orders if o.status == "pending_payment"]
    return {
        "payment_no": p.no, "amount_fen": p.amount_fen, "status": p.status, "status_label": p.get_status_display(),
        "paid_at": p.paid_at, "pay_deadline": min(pending) if pending else None,
        "orders": [{"id": o.pk, "no": o.no, "status": o.status, "shop": shop_brief(o.shop), "total_fen": o.total_fen}
                   for o in orders],
        "gateways": [{"code": code, "name": name} for code, name in gateways],
    }
