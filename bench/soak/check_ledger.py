#!/usr/bin/env python
"""Is the stock ledger consistent? Run after a soak (bench/soak/run.py runs it), on the soak's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wanshang_peer_ws .venv/bin/python bench/soak/check_ledger.py

Checks, and prints every breach (exit status 1 when there is one):

1. every stock row (SKU × warehouse): on hand and reserved equal the sums of its ledger movements
   (`inventory.StockMovement`: on_hand_delta, reserved_delta), and 0 ≤ reserved ≤ on hand;
2. every order (or those from --since-order-id on) against its own movements, per SKU × warehouse:
   - what was reserved for it (RESERVE rows with its id) equals what its lines say was allocated
     (`OrderLine.allocations`; a 秒杀 line takes units set aside before the order, so it has no RESERVE row of
     its own and is only counted);
   - unpaid (待付款): still reserved, nothing taken off the shelf; cancelled before payment: all released;
     paid (any later status): confirmed (off on-hand) exactly what was reserved, nothing still reserved for it.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _common  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--since-order-id", type=int, default=0, help="check orders from this id on (default: all)"
    )
    p.add_argument("--show", type=int, default=20, help="print at most this many breaches of each kind")
    return p.parse_args(argv)


def check_stock_rows() -> tuple[int, list[str]]:
    from django.db.models import Sum

    from wanshang.inventory.models import Stock, StockMovement

    sums = {
        (r["sku_id"], r["warehouse_id"]): (r["oh"] or 0, r["rs"] or 0)
        for r in StockMovement.objects.order_by()
        .values("sku_id", "warehouse_id")
        .annotate(oh=Sum("on_hand_delta"), rs=Sum("reserved_delta"))
    }
    breaches, n = [], 0
    for row in Stock.objects.order_by("pk").values("pk", "sku_id", "warehouse_id", "on_hand", "reserved"):
        n += 1
        oh, rs = sums.pop((row["sku_id"], row["warehouse_id"]), (0, 0))
        if (row["on_hand"], row["reserved"]) != (oh, rs):
            breaches.append(
                f"stock {row['pk']} (sku {row['sku_id']}, warehouse {row['warehouse_id']}): on hand "
                f"{row['on_hand']} / reserved {row['reserved']}, ledger sums {oh} / {rs}"
            )
        if not 0 <= row["reserved"] <= row["on_hand"]:
            breaches.append(f"stock {row['pk']}: reserved {row['reserved']} outside 0..{row['on_hand']}")
    for (sku, wh), (oh, rs) in sums.items():
        if oh or rs:
            breaches.append(f"ledger of sku {sku}, warehouse {wh} sums to {oh} / {rs} but no stock row")
    return n, breaches


def check_orders(since: int) -> tuple[dict, list[str]]:
    from wanshang.inventory.models import StockMovement
    from wanshang.orders.models import Order, OrderLine, OrderStatus

    K = StockMovement.Kind
    moves: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for m in (
        StockMovement.objects.order_by()
        .filter(order_id__gte=max(since, 1))
        .values("order_id", "sku_id", "warehouse_id", "kind", "on_hand_delta", "reserved_delta")
    ):
        key = (m["sku_id"], m["warehouse_id"])
        per = moves[m["order_id"]][key]
        per[m["kind"]] += m["reserved_delta"] if m["kind"] in (K.RESERVE, K.RELEASE) else -m["on_hand_delta"]
        per["reserved"] += m["reserved_delta"]
        per["on_hand"] += m["on_hand_delta"]
    allocated: dict[int, dict] = defaultdict(lambda: defaultdict(int))
    for line in (
        OrderLine.objects.order_by().filter(order_id__gte=since).values("order_id", "sku_id", "allocations")
    ):
        for warehouse_id, qty in line["allocations"]:
            allocated[line["order_id"]][(line["sku_id"], warehouse_id)] += qty
    counts = defaultdict(int)
    breaches = []
    for order in Order.objects.order_by("pk").filter(pk__gte=since).values("pk", "status", "paid_at"):
        counts["orders"] += 1
        mine = moves.get(order["pk"], {})
        for key, qty in allocated.get(order["pk"], {}).items():
            per = mine.get(key)
            if per is None or per.get(K.RESERVE, 0) == 0:
                counts["lines from set-aside (秒杀) stock"] += 1
                continue
            counts["allocations checked"] += 1
            problem = _order_breach(order, per, qty, OrderStatus)
            if problem:
                breaches.append(
                    f"order {order['pk']} ({order['status']}), sku {key[0]} warehouse {key[1]}: {problem}"
                )
        for key in set(mine) - set(allocated.get(order["pk"], {})):
            breaches.append(
                f"order {order['pk']}: ledger rows for sku {key[0]} warehouse {key[1]} it never allocated"
            )
    return counts, breaches


def _order_breach(order: dict, per: dict, qty: int, OrderStatus) -> str:
    reserved_for_it = per.get("reserve", 0)
    if reserved_for_it != qty:
        return f"reserved {reserved_for_it}, lines allocated {qty}"
    if order["status"] == OrderStatus.PENDING_PAYMENT:
        if per["reserved"] != qty or per["on_hand"] != 0:
            return f"unpaid but ledger holds {per['reserved']} reserved, {per['on_hand']} on hand"
    elif order["paid_at"] is None:  # cancelled before payment
        if per["reserved"] != 0 or per["on_hand"] != 0:
            return f"cancelled unpaid but ledger holds {per['reserved']} reserved, {per['on_hand']} on hand"
    else:
        if per.get("confirm", 0) != qty or per["reserved"] != 0:
            return f"paid: confirmed {per.get('confirm', 0)} of {qty}, still reserved {per['reserved']}"
    return ""


def main(argv=None) -> int:
    args = parse_args(argv)
    _common.configure_env("postgres")
    _common.django_setup()
    rows, stock_breaches = check_stock_rows()
    counts, order_breaches = check_orders(args.since_order_id)
    print(f"stock rows: {rows}, breaches: {len(stock_breaches)}")
    for line in stock_breaches[: args.show]:
        print("  " + line)
    print(
        f"orders from id {args.since_order_id}: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + f"; breaches: {len(order_breaches)}"
    )
    for line in order_breaches[: args.show]:
        print("  " + line)
    ok = not stock_breaches and not order_breaches
    print("LEDGER " + ("CONSISTENT" if ok else "INCONSISTENT"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
