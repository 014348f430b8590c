"""At phone width (390 px) no storefront page is wider than the screen, in Chinese or English: the English
header ("Wanshang", "Search") once pushed the cart button 43 px off the right edge of every page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 800}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_storefront_pages_fit_a_phone(new_page, live_server, login, buyer, shot, language):
    page = new_page(viewport=PHONE)
    login(page, buyer)  # the log-in helper reads the Chinese labels: choose the language after it
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for url in ["/", "/orders/", "/service/", "/search/?q=test"]:
        page.goto(url)
        page.wait_for_load_state()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (url, width)
    shot(page, f"-{language}")
    assert page.js_errors == []
