"""Pure-Python tests for the demo content (no database; runs with ``-p no:django``)."""

import re
from html.parser import HTMLParser

import pytest

from wanshang.demo import content as c

ABSOLUTE_TERMS = ("最", "第一", "顶级", "国家级", "唯一", "极致", "100%")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _shop_products(shop, count=60, seed=2026):
    return c.products_for_shop(
        shop["slug"], c.leaf_categories(shop["categories"]), c.brands_for_shop(shop), count, seed
    )


@pytest.fixture(scope="module")
def catalog():
    return {shop["slug"]: _shop_products(shop) for shop in c.SHOPS}


# -- category tree ----------------------------------------------------------------------------------------


def test_tree_shape():
    tops = c.CATEGORY_TREE
    assert len(tops) >= 6
    assert {"apparel", "digital", "appliances", "food", "beauty", "home", "baby", "sports"} <= {
        t["slug"] for t in tops
    }
    leaves = []
    for top in tops:
        assert top["children"], top["name"]
        for mid in top["children"]:
            assert mid["children"], mid["name"]
            for leaf in mid["children"]:
                assert "children" not in leaf
                leaves.append(leaf)
    assert len(leaves) >= 30
    assert len(c.leaf_categories()) == len(leaves)
    assert [lvl for _, lvl, _ in c.iter_categories()].count(3) == len(leaves)


def test_slugs_unique_ascii_and_names_fit():
    slugs = [node["slug"] for node, _, _ in c.iter_categories()]
    assert len(slugs) == len(set(slugs))
    assert all(SLUG.match(s) and len(s) <= 60 for s in slugs)
    assert all(0 < len(node["name"]) <= 40 for node, _, _ in c.iter_categories())


def test_leaf_templates():
    for leaf in c.leaf_categories():
        assert 2 <= len(leaf["attributes"]) <= 4, leaf["slug"]
        names = [a["name"] for a in leaf["attributes"]]
        assert len(names) == len(set(names))
        for attr in leaf["attributes"]:
            assert isinstance(attr["required"], bool) and isinstance(attr["options"], list)
            assert len(attr["name"]) <= 30
        assert 1 <= len(leaf["spec_axes"]) <= 2, leaf["slug"]
        for axis in leaf["spec_axes"]:
            assert axis["values"] and len(axis["values"]) == len(set(axis["values"]))
            assert all("/" not in v and len(v) <= 30 for v in axis["values"])
        low, high = leaf["price_range_fen"]
        assert isinstance(low, int) and isinstance(high, int) and 0 < low < high
        w_low, w_high = leaf["weight_g_range"]
        assert 0 < w_low < w_high
        parts = leaf["title_parts"]
        assert parts["nouns"] and parts["adjectives"] and len(parts["selling_points"]) >= 3


# -- brands, shops, credit codes --------------------------------------------------------------------------


def test_brands():
    assert len(c.BRANDS) >= 40
    names = [b["name"] for b in c.BRANDS]
    assert len(names) == len(set(names))
    tops = {t["slug"] for t in c.CATEGORY_TREE}
    for brand in c.BRANDS:
        assert brand["categories"] and set(brand["categories"]) <= tops
    for real in ("华为", "小米", "Nike", "耐克", "阿迪达斯", "美的", "格力", "海尔", "苹果", "三只松鼠"):
        assert all(real not in b["name"] and real not in b["name_en"] for b in c.BRANDS)


def test_shops_shape():
    assert len(c.SHOPS) >= 6
    tops = {t["slug"] for t in c.CATEGORY_TREE}
    assert len({cat for s in c.SHOPS for cat in s["categories"]}) >= 6
    for shop in c.SHOPS:
        assert set(shop["categories"]) <= tops and SLUG.match(shop["slug"])
        assert shop["staff"] and {m["role"] for m in shop["staff"]} <= {
            "operations",
            "service",
            "warehouse",
            "finance",
        }
        assert c.brands_for_shop(shop)
    assert 2 <= len(c.PENDING_APPLICATIONS) <= 3
    assert all("staff" not in app for app in c.PENDING_APPLICATIONS)
    everyone = c.SHOPS + c.PENDING_APPLICATIONS
    assert len({s["slug"] for s in everyone}) == len(everyone)
    assert len({s["name"] for s in everyone}) == len(everyone)
    phones = [s["owner"]["phone"] for s in everyone] + [m["phone"] for s in c.SHOPS for m in s["staff"]]
    assert len(phones) == len(set(phones)) and all(re.fullmatch(r"1[3-9]\d{9}", p) for p in phones)
    assert not any(p.startswith(c.BUYER_PHONE_PREFIX) for p in phones)


def test_every_credit_code_valid_and_unique():
    codes = [s["credit_code"] for s in c.SHOPS + c.PENDING_APPLICATIONS]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert c.credit_code_is_valid(code), code
        assert code[:2] == "91" and code[2:8].isdigit()


def test_tampered_credit_code_invalid():
    code = c.SHOPS[0]["credit_code"]
    last = c.CREDIT_CODE_CHARSET[(c.CREDIT_CODE_CHARSET.index(code[-1]) + 1) % 31]
    assert not c.credit_code_is_valid(code[:-1] + last)
    middle = "1" if code[5] != "1" else "2"
    assert not c.credit_code_is_valid(code[:5] + middle + code[6:])
    assert not c.credit_code_is_valid(code[:-1])
    assert not c.credit_code_is_valid(code[:8] + "I" + code[9:])  # I is not in the charset
    assert not c.credit_code_is_valid(code.lower())


def test_known_valid_credit_code():
    # The worked example in GB 32100-2015; its organization code contains M, so the charset must include M
    # (31 characters for a mod-31 check). Σ value×weight over the first 17 characters = 1640;
    # 1640 mod 31 = 28; 31 − 28 = 3 → check character "3".
    example = "91350100M000100Y43"
    values = [c.CREDIT_CODE_CHARSET.index(ch) for ch in example[:17]]
    total = sum(v * w for v, w in zip(values, c.CREDIT_CODE_WEIGHTS, strict=True))
    assert total == 1640
    assert c.CREDIT_CODE_CHARSET[(31 - total % 31) % 31] == "3"
    assert c.credit_code_is_valid(example)
    assert len(c.CREDIT_CODE_CHARSET) == 31 and "M" in c.CREDIT_CODE_CHARSET
    assert not set("IOSVZ") & set(c.CREDIT_CODE_CHARSET)


def test_credit_code_make():
    made = {c.credit_code_make(seed) for seed in range(300)}
    assert len(made) == 300
    assert all(c.credit_code_is_valid(code) and len(code) == 18 for code in made)
    assert c.credit_code_make(7) == c.credit_code_make(7)
    assert c.credit_code_make(7, "510107")[2:8] == "510107"


def test_credit_codes_agree_with_merchant_validator():
    validators = pytest.importorskip("wanshang.merchants.validators")
    for shop in c.SHOPS + c.PENDING_APPLICATIONS:
        assert validators.credit_code_is_valid(shop["credit_code"])
    for seed in range(100):
        assert validators.credit_code_is_valid(c.credit_code_make(seed))


# -- buyers -----------------------------------------------------------------------------------------------


def test_districts_are_real_codes():
    codes = [d["code"] for d in c.DISTRICTS]
    assert len(codes) >= 30 and len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[1-6]\d{5}", code) and not code.endswith("00") for code in codes)
    named = {d["code"]: d["district"] for d in c.DISTRICTS}
    assert named["110105"] == "朝阳区" and named["310115"] == "浦东新区" and named["440305"] == "南山区"
    assert named["330106"] == "西湖区" and named["510107"] == "武侯区" and named["420111"] == "洪山区"


def test_buyers():
    people = c.buyers(80, seed=1)
    assert len(people) == 80
    assert people == c.buyers(80, seed=1) and people != c.buyers(80, seed=2)
    phones = [p["phone"] for p in people]
    assert len(set(phones)) == 80 and all(re.fullmatch(r"139\d{8}", p) for p in phones)
    assert len({p["nickname"] for p in people}) == 80
    district_codes = {d["code"] for d in c.DISTRICTS}
    for person in people:
        assert 1 <= len(person["addresses"]) <= 3
        assert [a["is_default"] for a in person["addresses"]].count(True) == 1
        for addr in person["addresses"]:
            assert addr["district_code"] in district_codes
            assert addr["receiver"] and addr["detail"] and re.fullmatch(r"1[3-9]\d{9}", addr["phone"])
    assert len(c.buyers(400, seed=3)) == 400


# -- products ---------------------------------------------------------------------------------------------


def test_ean13_helpers():
    assert c.ean13_is_valid("4006381333931")
    assert c.ean13_is_valid("6901234567892")
    assert not c.ean13_is_valid("6901234567893")
    assert not c.ean13_is_valid("690123456789")


def test_enough_products(catalog):
    assert len(c.SHOPS) >= 6
    assert sum(len(products) for products in catalog.values()) >= 300


def test_determinism():
    shop = c.SHOPS[1]
    first = _shop_products(shop, count=20, seed=5)
    assert first == _shop_products(shop, count=20, seed=5)
    other = _shop_products(shop, count=20, seed=6)
    assert other != first
    assert [p["title"] for p in other] != [p["title"] for p in first]


def test_titles_distinct_and_short(catalog):
    for products in catalog.values():
        titles = [p["title"] for p in products]
        assert len(titles) == len(set(titles))
        assert all(2 <= len(t) <= 60 and t == t.strip() for t in titles)
    crowded = c.products_for_shop("tiny", c.leaf_categories()[:1], [], 150, 1)
    assert len({p["title"] for p in crowded}) == 150
    assert all(len(p["title"]) <= 60 for p in crowded)


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def test_no_absolute_terms_anywhere(catalog):
    texts = []
    for products in catalog.values():
        for p in products:
            texts += [
                p["title"],
                p["subtitle"],
                p["detail_html"],
                *p["tags"],
                *map(str, p["attributes"].values()),
            ]
    for node, _, _ in c.iter_categories():
        texts.append(repr(node))
    texts += [repr(c.BRANDS), repr(c.SHOPS), repr(c.PENDING_APPLICATIONS)]
    for text in texts:
        for term in ABSOLUTE_TERMS:
            assert term not in text, (term, text[:80])
        assert not c.contains_banned_term(text), text[:80]


def test_product_shape(catalog):
    leaves = {leaf["slug"]: leaf for leaf in c.leaf_categories()}
    brand_names = {b["name"] for b in c.BRANDS}
    barcodes = []
    wholesale = total = zero_stock = 0
    for slug, products in catalog.items():
        shop = next(s for s in c.SHOPS if s["slug"] == slug)
        for p in products:
            total += 1
            leaf = leaves[p["category_slug"]]
            assert leaf["top_slug"] in shop["categories"]
            assert p["brand"] is None or p["brand"] in brand_names
            assert len(p["subtitle"]) <= 120 and 1 <= len(p["tags"]) <= 10
            assert all(len(t) <= 12 for t in p["tags"])
            for attr in leaf["attributes"]:
                value = p["attributes"].get(attr["name"])
                if attr["required"]:
                    assert value
                if value and attr["options"]:
                    assert value in attr["options"]
            assert set(p["attributes"]) <= {a["name"] for a in leaf["attributes"]}
            collector = _TagCollector()
            collector.feed(p["detail_html"])
            assert collector.tags <= {"p", "ul", "li", "h3", "img"}
            assert "<script" not in p["detail_html"]
            if p["is_wholesale"]:
                wholesale += 1
                assert 10 <= p["min_order_qty"] <= 100
            assert p["specs"] == [a["name"] for a in leaf["spec_axes"]]
            assert [a["name"] for a in p["spec_axes"]] == p["specs"]
            expected = 1
            for axis in p["spec_axes"]:
                expected *= len(axis["values"])
            assert 1 <= len(p["skus"]) == expected <= 12
            assert len({tuple(s["spec_values"]) for s in p["skus"]}) == len(p["skus"])
            for sku in p["skus"]:
                assert len(sku["spec_values"]) == len(p["specs"])
                for value, axis in zip(sku["spec_values"], p["spec_axes"], strict=True):
                    assert value in axis["values"]
                price = sku["price_fen"]
                assert isinstance(price, int) and not isinstance(price, bool) and price > 0
                assert price % 10 == 0
                assert isinstance(sku["cost_fen"], int) and 0 < sku["cost_fen"] < price
                if sku["original_price_fen"] is not None:
                    assert isinstance(sku["original_price_fen"], int) and sku["original_price_fen"] > price
                assert isinstance(sku["stock"], int) and 0 <= sku["stock"] <= 500
                zero_stock += sku["stock"] == 0
                assert c.ean13_is_valid(sku["barcode"]), sku["barcode"]
                assert isinstance(sku["weight_g"], int) and sku["weight_g"] > 0
                barcodes.append(sku["barcode"])
    assert len(barcodes) == len(set(barcodes))  # unique across every shop too
    assert 0.03 <= wholesale / total <= 0.2
    assert zero_stock >= 1


def test_tiered_axes_cost_more():
    phones = next(leaf for leaf in c.leaf_categories() if leaf["slug"] == "smartphones")
    products = c.products_for_shop("tier-check", [phones], [], 30, 9)
    for p in products:
        by_storage = {}
        for sku in p["skus"]:
            by_storage.setdefault(sku["spec_values"][1], sku["price_fen"])
        prices = [by_storage[v] for v in p["spec_axes"][1]["values"]]
        assert prices == sorted(prices)


def test_nice_price():
    assert c.nice_price_fen(5937) == 5990
    assert c.nice_price_fen(12345) == 12900
    assert c.nice_price_fen(129345) == 129900
