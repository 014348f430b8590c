import pytest

from wanshang.ads.tests.audience.conftest import crowd_pack  # noqa: F401
from wanshang.ads.tests.conftest import fund, make_group, make_plan  # noqa: F401
from wanshang.merchants.tests.conftest import make_staff  # noqa: F401

IMAGES = ["/media/demo/a.jpg", "/media/demo/b.jpg"]


@pytest.fixture
def ad_tree(request, make_product):
    """ad_tree(shop) → a funded shop's plan, group (its product has two images), keyword, negatives, creative
    and one charged click, made through the services."""
    from wanshang.ads import services

    fixture = request.getfixturevalue

    def make(shop):
        fixture("fund")(shop, 10_000)
        plan = fixture("make_plan")(shop, daily=5_000, name="夏季T恤推广")
        product = make_product(shop, title="纯棉短袖T恤 男", images=IMAGES)
        group = fixture("make_group")(shop, plan, bid=120, product=product)
        [keyword] = services.keywords_add(
            shop=shop,
            group_id=group.pk,
            rows=[services.KeywordInput(word="纯棉t恤", bid_fen=150, match_type="exact")],
        )
        plan_negative = services.negative_add(shop=shop, plan_id=plan.pk, word="二手", match_type="phrase")
        group_negative = services.negative_add(
            shop=shop, plan_id=plan.pk, group_id=group.pk, word="童装", match_type="exact"
        )
        creative, _ = services.creative_add(
            shop=shop, group_id=group.pk, title="官方正品纯棉T恤", image_url=IMAGES[0]
        )
        services.ad_charge(group_id=group.pk, keyword_id=keyword.pk, price_fen=100, ref=f"click-{shop.pk}")
        return {
            "plan": plan,
            "group": group,
            "keyword": keyword,
            "plan_negative": plan_negative,
            "group_negative": group_negative,
            "creative": creative,
            "product": product,
        }

    return make
