"""The settlement ledger adds up (hypothesis): whatever refunds come before or after an order's completion, its
sale entry and the reversing entries sum to exactly what the shop kept — the kept goods of each line (paid plus
the platform's share of their discounts), the freight not refunded, and the commission on the kept goods."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from wanshang.common.domain_events import LineFacts
from wanshang.common.money import allocate, percent_of
from wanshang.payments.settlement import kept_goods, refund_amounts, sale_amounts


def _paid_for(line: LineFacts, units: int) -> int:
    """What the first `units` units of a line were paid, cumulatively (after-sales' refund quote)."""
    if units >= line.quantity:
        return line.payable_fen
    return allocate(line.payable_fen, [units, line.quantity - units])[0]


@st.composite
def orders(draw):
    lines = []
    for i in range(draw(st.integers(1, 3))):
        quantity = draw(st.integers(1, 12))
        payable = draw(st.integers(0, 500_000))
        lines.append(
            LineFacts(
                line_id=i + 1,
                sku_id=i + 1,
                product_id=i + 1,
                category_id=draw(st.sampled_from([10, 20, 30])),
                quantity=quantity,
                unit_price_fen=payable // quantity,
                payable_fen=payable,
                platform_fen=draw(st.integers(0, 50_000)),
            )
        )
    # refunds: each takes some units of one line; the order completes before refund number `completed_at`
    refunds = draw(st.lists(st.tuples(st.integers(0, len(lines) - 1), st.integers(1, 12)), max_size=8))
    completed_at = draw(st.integers(0, len(refunds)))
    rates = {10: draw(st.integers(0, 2000)), 20: draw(st.integers(0, 2000)), 30: 0}
    freight = draw(st.integers(0, 3000))
    return lines, refunds, completed_at, rates, freight


@settings(max_examples=300, deadline=None)
@given(orders())
def test_sale_and_reversals_sum_to_what_the_shop_kept(order):
    lines, refunds, completed_at, rates, freight = order
    rate_of = rates.__getitem__
    state = {line.line_id: line for line in lines}
    freight_left = freight
    gross_total = commission_total = 0
    sale_written = False
    for n in range(len(refunds) + 1):
        if n == completed_at:  # the sale entry leaves out what was refunded before it
            gross_total, commission_total = sale_amounts(
                list(state.values()), freight_fen=freight_left, rate_of=rate_of
            )
            sale_written = True
        if n == len(refunds):
            break
        index, wanted = refunds[n]
        line = state[index + 1]
        qty = min(wanted, line.quantity - line.refunded_qty)
        if qty == 0:
            continue
        amount = _paid_for(line, line.refunded_qty + qty) - _paid_for(line, line.refunded_qty)
        line = replace(line, refunded_qty=line.refunded_qty + qty, refunded_fen=line.refunded_fen + amount)
        state[line.line_id] = line
        last = all(s.refunded_qty == s.quantity for s in state.values())
        freight_back = freight_left if last else 0  # freight comes back with the order's last units
        freight_left -= freight_back
        if sale_written:  # after completion: a reversing entry
            gross, commission = refund_amounts(
                list(state.values()), [(line.line_id, qty, amount)], freight_fen=freight_back, rate_of=rate_of
            )
            gross_total -= gross
            commission_total -= commission

    kept = {
        s.line_id: kept_goods(s, refunded_qty=s.refunded_qty, refunded_fen=s.refunded_fen)
        for s in state.values()
    }
    assert gross_total == freight_left + sum(kept.values())
    assert commission_total == sum(
        percent_of(kept[s.line_id], rate_of(s.category_id)) for s in state.values()
    )
    for s in state.values():  # nothing kept is worth less than nothing, and a whole refund keeps nothing
        assert kept[s.line_id] >= 0
        if s.refunded_qty == s.quantity:
            assert kept[s.line_id] == 0
