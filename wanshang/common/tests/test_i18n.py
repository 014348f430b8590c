"""English is available through Django i18n; Chinese (zh-Hans) stays the default.

The source strings are Chinese and the English catalogue in wanshang/locale/en is the translation, so a page
without a language preference renders exactly the Chinese the product was written in.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "wanshang" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def shop(make_shop):
    return make_shop(name="青禾服饰旗舰店")


@pytest.fixture
def product(shop, make_product):
    return make_product(shop, title="青禾纯棉连衣裙")


# --- storefront ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_is_chinese_by_default(client, product):
    html = client.get("/").content.decode()

    assert 'lang="zh-hans"' in html
    assert "我的订单" in html and "卖家中心" in html and "我的购物车" in html
    assert "My orders" not in html


@pytest.mark.django_db
def test_home_in_english_with_the_language_cookie(english, product):
    html = english.get("/").content.decode()

    assert 'lang="en"' in html
    assert "My orders" in html and "Seller Center" in html and "Cart" in html
    assert "我的订单" not in html
    assert "青禾纯棉连衣裙" in html  # product titles are data, not translated


@pytest.mark.django_db
def test_home_in_english_with_accept_language(client, product):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "My orders" in html


@pytest.mark.django_db
def test_chinese_browser_gets_chinese(client, product):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()

    assert "我的订单" in html


@pytest.mark.django_db
def test_product_page_in_english(english, product):
    html = english.get(f"/p/{product.pk}/").content.decode()

    assert "Add to cart" in html and "Buy now" in html
    assert "加入购物车" not in html
    assert "青禾服饰旗舰店" in html  # the shop name stays as the merchant wrote it


@pytest.mark.django_db
def test_product_page_in_chinese_by_default(client, product):
    html = client.get(f"/p/{product.pk}/").content.decode()

    assert "加入购物车" in html and "立即购买" in html and "青禾服饰旗舰店" in html


@pytest.mark.django_db
def test_counts_use_english_plurals(english, product):
    html = english.get(f"/shop/{product.shop.slug}/").content.decode()

    assert "1 product on sale" in html


@pytest.mark.django_db
def test_order_status_labels_follow_the_language(login_client, buyer, english):
    client = login_client(buyer)

    html = client.get("/orders/").content.decode()

    assert "Awaiting payment" in html and "Awaiting shipment" in html  # the status tabs
    assert "My orders" in html


# --- seller center and platform -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_seller_dashboard_in_english(client, shop):
    client.force_login(shop.owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/seller/").content.decode()

    assert "Seller Center" in html and "Dashboard" in html
    assert "Awaiting shipment" in html and "Orders" in html  # stat card and sidebar navigation
    assert "Owner" in html  # the role badge comes from the model choices
    assert "卖家中心" not in html


@pytest.mark.django_db
def test_seller_dashboard_in_chinese_by_default(client, shop):
    client.force_login(shop.owner)

    html = client.get("/seller/").content.decode()

    assert "卖家中心" in html and "工作台" in html and "待发货" in html and "店主" in html


@pytest.mark.django_db
def test_platform_overview_in_english(client, operator):
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get("/platform/").content.decode()

    assert "Platform overview" in html and "Merchant applications" in html and "Shops" in html
    assert "平台概览" not in html


@pytest.mark.django_db
def test_platform_overview_in_chinese_by_default(client, operator):
    client.force_login(operator)

    html = client.get("/platform/").content.decode()

    assert "平台概览" in html and "入驻审核" in html


# --- switching --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_face_shows_the_language_switcher(client, shop, operator):
    pages = ["/"]
    client.force_login(shop.owner)
    pages_html = [client.get(p).content.decode() for p in pages + ["/seller/"]]
    client.force_login(operator)
    pages_html.append(client.get("/platform/").content.decode())

    for html in pages_html:
        assert 'action="/i18n/setlang/"' in html
        assert 'name="language" value="en"' in html and 'name="language" value="zh-hans"' in html


@pytest.mark.django_db
def test_set_language_post_switches_to_english_and_back(client, product):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "My orders" in client.get("/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert "我的订单" in client.get("/").content.decode()


@pytest.mark.django_db
def test_set_language_ignores_an_unknown_language(client, product):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert "我的订单" in client.get("/").content.decode()


# --- the catalogue ----------------------------------------------------------------------------------------------


def _po_entries(text: str) -> list[dict]:
    """A tiny .po reader: msgctxt / msgid / msgstr (with continuation lines) and flags per entry."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry, key = {"flags": set()}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif m := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line):
                key = m.group(1)
                entry[key] = m.group(2)
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
        entries.append(entry)
    return entries


def test_every_message_has_an_english_translation():
    entries = [e for e in _po_entries(PO_FILE.read_text(encoding="utf-8")) if e.get("msgid")]

    assert len(entries) > 500
    untranslated = [
        e["msgid"] for e in entries if not (e.get("msgstr") or (e.get("msgstr[0]") and e.get("msgstr[1]")))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders():
    entries = [e for e in _po_entries(PO_FILE.read_text(encoding="utf-8")) if e.get("msgid")]
    placeholder = re.compile(r"%\(\w+\)s")

    for e in entries:
        for msgstr in [e[k] for k in ("msgstr", "msgstr[0]", "msgstr[1]") if k in e]:
            assert sorted(placeholder.findall(e["msgid"])) == sorted(placeholder.findall(msgstr)), e["msgid"]


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed (a fresh clone needs no gettext tools): it must say what the .po says."""
    with MO_FILE.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    entries = [e for e in _po_entries(PO_FILE.read_text(encoding="utf-8")) if e.get("msgid")]

    for e in entries:
        msgid = _unescape(e["msgid"])
        if "msgid_plural" in e:
            plural = _unescape(e["msgid_plural"])
            assert catalogue.ngettext(msgid, plural, 1) == _unescape(e["msgstr[0]"])
            assert catalogue.ngettext(msgid, plural, 2) == _unescape(e["msgstr[1]"])
            continue
        msgstr = _unescape(e["msgstr"])
        if "msgctxt" in e:
            assert catalogue.pgettext(_unescape(e["msgctxt"]), msgid) == msgstr
        else:
            assert catalogue.gettext(msgid) == msgstr


def _unescape(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
