from types import SimpleNamespace

import pytest

from wanshang.fulfillment.freight import FreightLine, NotDeliverable, quote


def template(**kw):
    base = dict(
        name="t",
        mode="piece",
        first_units=1,
        first_fen=1000,
        additional_units=1,
        additional_fen=500,
        free_threshold_fen=None,
        excluded_regions=[],
    )
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
    rule = SimpleNamespace(
        regions=["650000"], first_units=1, first_fen=2500, additional_units=1, additional_fen=1500
    )
    assert quote(template(), [rule], [FreightLine(2, 1, 100)], "650102") == 4000
    assert quote(template(), [rule], [FreightLine(2, 1, 100)], "110105") == 1500


def test_excluded_region_is_not_deliverable():
    with pytest.raises(NotDeliverable):
        quote(template(excluded_regions=["540000"]), [], [FreightLine(1, 1, 100)], "540102")


@pytest.mark.django_db
def test_every_city_has_districts_to_pick():
    from wanshang.fulfillment.models import Region
    from wanshang.fulfillment.selectors import region_path

    cities_without = (
        Region.objects.filter(level=2)
        .exclude(code__in=Region.objects.filter(level=3).values("parent_id"))
        .values_list("name", flat=True)
    )
    assert list(cities_without) == []
    assert [r.name for r in region_path(code="441900003")] == ["广东省", "东莞市", "东城街道"]


def test_town_codes_match_their_city_and_province_in_freight_rules():
    rule = SimpleNamespace(
        regions=["440000"], first_units=1, first_fen=700, additional_units=1, additional_fen=0
    )
    assert quote(template(), [rule], [FreightLine(1, 1, 100)], "441900003") == 700
