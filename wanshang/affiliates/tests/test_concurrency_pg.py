"""Real concurrency on PostgreSQL: many withdrawals at once never take more than the available balance (the
promoter's row lock serialises them; each re-reads the balance under it)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wanshang.common.tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
]


@pytest.fixture(autouse=True)
def _postgres_only(require_postgres):
    """See conftest.require_postgres: skipped off PostgreSQL, failed under CI."""


def test_concurrent_withdrawals_never_exceed_the_balance(
    settings, buyer, aff_product, promoter, click_for, place_paid, receive
):
    from wanshang.affiliates.models import Withdrawal
    from wanshang.affiliates.selectors import promoter_balance
    from wanshang.affiliates.services import commissions_settle, withdrawal_request
    from wanshang.common.errors import ValidationError

    settings.WANSHANG = {**settings.WANSHANG, "AFFILIATE_WITHDRAW_MIN_FEN": 100}
    click_for(promoter, aff_product, buyer=buyer)
    receive(place_paid(buyer, aff_product, qty=2))
    commissions_settle(now=timezone.now() + timedelta(days=60))
    available = promoter_balance(promoter=promoter)["available_fen"]
    assert available == 1782

    amount = 500  # 8 requests of ¥5 against ¥17.82: exactly 3 fit
    results = run_concurrently(
        lambda _: withdrawal_request(promoter=promoter, amount_fen=amount, account="a@b.cn"), list(range(8))
    )

    ok = [r for r in results if isinstance(r, Withdrawal)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(ok) == 3 and len(refused) == 5, results
    assert all(r.code == "insufficient_balance" for r in refused)
    assert promoter_balance(promoter=promoter)["available_fen"] == available - 3 * amount >= 0
