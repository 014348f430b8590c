"""Traffic sources (生意参谋 level 2 → level 1) from a page view's URL markers and referrer."""

import time
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.http import QueryDict

from wanshang.analytics.sources import (
    LEVEL1,
    PAID_MARKER_SECONDS,
    SOURCES,
    classify,
    level1_of,
    paid_marker,
)

OWN = {"shop.example.com", "localhost"}


def source(referrer="", query="", own=OWN):
    return classify(url_query=QueryDict(query), referrer=referrer, own_hosts=own)


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("http://shop.example.com/", "home"),
        ("http://shop.example.com", "home"),
        ("https://shop.example.com/search/?q=%E8%A3%99", "search"),
        ("http://shop.example.com/c/dress/", "category"),
        ("http://shop.example.com/categories/", "category"),
        ("http://shop.example.com/cart/", "cart"),
        ("http://shop.example.com/checkout/?sku=1", "cart"),
        ("http://shop.example.com/orders/12/", "orders"),
        ("http://shop.example.com/me/favourites/", "favourites"),
        ("http://shop.example.com/me/favourites/?page=2", "favourites"),
        ("http://shop.example.com/flash/", "activity"),
        ("http://shop.example.com/coupons/", "activity"),
        ("http://shop.example.com/group/3/", "activity"),
        ("http://shop.example.com/p/42/", "recommend"),
        ("http://shop.example.com/shop/acme/", "recommend"),
        ("http://shop.example.com/accounts/login/", "other"),
        ("http://localhost:8000/search/?q=x", "search"),
        ("http://SHOP.EXAMPLE.COM/cart/", "cart"),
    ],
)
def test_own_pages_by_path(referrer, expected):
    assert source(referrer) == (expected, "")


def test_no_referrer_is_direct():
    assert source("") == ("direct", "")


def test_another_site_is_external_with_its_host():
    assert source("https://www.baidu.com/s?wd=%E8%BF%9E%E8%A1%A3%E8%A3%99") == ("external", "www.baidu.com")
    assert source("https://evil.shop.example.com.attacker.cn/") == (
        "external",
        "evil.shop.example.com.attacker.cn",
    )


def test_a_signed_ad_marker_wins_over_the_referrer_with_its_sub_source():
    for code, label in (("ads_kw", "直通车"), ("ads_aud", "引力魔方"), ("ads_auto", "全站推广")):
        marker = urlencode({"ad": paid_marker(code)})
        assert source("https://www.baidu.com/", query=marker) == (code, "")
        assert source("http://shop.example.com/search/?q=x", query=marker) == (code, "")
        assert level1_of(code) == "paid" and str(SOURCES[code][1]) == label
    assert level1_of("affiliate") == "paid" and str(SOURCES["affiliate"][1]) == "淘宝客"


def test_a_bare_forged_altered_or_expired_ad_marker_is_not_paid_traffic():
    marker = paid_marker("ads_kw")
    assert source("", query="ad=1") == ("direct", "")
    assert source("https://www.baidu.com/", query="ad=kw7") == ("external", "www.baidu.com")
    assert source("", query="ad=") == ("direct", "")  # an empty marker is no marker
    forged = signing.TimestampSigner(salt="another.salt").sign("ads_kw")
    assert source("", query=urlencode({"ad": forged})) == ("direct", "")
    altered = marker.replace("ads_kw", "ads_aud", 1)
    assert source("", query=urlencode({"ad": altered})) == ("direct", "")
    assert source("", query=urlencode({"ad": marker + "x" * 300})) == ("direct", "")
    later = time.time() + PAID_MARKER_SECONDS + 5
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert source("", query=urlencode({"ad": marker})) == ("direct", "")


def test_a_marker_is_made_only_for_ad_sources():
    with pytest.raises(ValueError):
        paid_marker("search")


def test_an_affiliate_code_in_the_url_alone_is_not_paid_traffic():
    """The page that verified the link declares 淘宝客 (tracking.source_declare), not the URL."""
    assert source("", query="aff=u42") == ("direct", "")


def test_a_subdomain_wildcard_of_allowed_hosts_is_our_own_site():
    own = {".example.com"}
    assert source("https://m.example.com/cart/", own=own) == ("cart", "")
    assert source("https://example.com/", own=own) == ("home", "")
    assert source("https://notexample.com/", own=own) == ("external", "notexample.com")


def test_unreadable_referrers_are_other():
    assert source("http://[::1") == ("other", "")
    assert source("not a url") == ("other", "")


def test_external_host_is_cut_to_the_column():
    host = "a" * 120 + ".com"
    assert source(f"https://{host}/") == ("external", host[:100])


def test_every_source_has_a_level_one_group():
    assert {level1_of(code) for code in SOURCES} <= set(LEVEL1)
    assert level1_of("direct") == "self" and level1_of("favourites") == "self"
    assert (
        level1_of("search") == "free" and level1_of("ads") == "paid" and level1_of("external") == "external"
    )
    assert level1_of("no-such-code") == "other"
