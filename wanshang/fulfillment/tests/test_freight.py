from types import SimpleNamespace

import pytest

from wanshang.fulfillment.freight import FreightLine, NotDeliverable, quote


def template(**kw):
    base = dict(name="t", mode="piece", first_units=1, first_fen=1000, additional_units=1, additional_fen=500,
                free_threshold_fen=None, excluded_regions=[])
    base.update(kw)
    return SimpleNamespace(**base)


def test_piece_first_and_additional():
    assert quote(template(), [], [FreightLine(3, 100, 5000)], "110105") == 1000 + 2 * 500


def test_weight_rounds_started_steps_up():
    t = template(mode="weight", first_units=1000, first_fen=800, additional_units=500, additional_fen=300)
    assert quote(t, [], [FreightLine(1, 1600, 100)], "110105") == 800 + 2 * 300  # 600g extra → 2 steps


def test_free_shipping_threshold():
    assert quote(template(free_threshold_fen=9900), [], [FreightLine(1, 1, 9900)], "110105") == 0
    assert quote(template(free_threshold_fen=9900), [], [FreightLine(1, 1, 9899)], "110105") == 1000


def test_region_override_by_province_code():
    rule = SimpleNamespace(regions=["650000"], first_units=1, first_fen=2500, additional_units=1, additional_fen=1500)
    assert quote(template(), [rule], [FreightLine(2, 1, 100)], "650102") == 4000
    assert quote(template(), [rule], [FreightLine(2, 1, 100)], "110105") == 1500


def test_excluded_region_is_not_deliverable():
    with pytest.raises(NotDeliverable):
        quote(template(excluded_regions=["540000"]), [], [FreightLine(1, 1, 100)], "540102")
