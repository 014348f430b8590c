"""推广中心 layout in a real browser: the report's date inputs show a whole date (an inline form's 90 px inputs
cut them to "mm/dd/"), and the platform's ad page keeps its period filter on one line and fits a phone in
English (its stacked full-width filter, and tables that widened the page)."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "el => el.getBoundingClientRect().width"
TOP = "el => Math.round(el.getBoundingClientRect().top)"


def test_the_report_date_inputs_show_a_whole_date(new_page, login, make_shop):
    shop = make_shop()
    page = new_page()
    login(page, shop.owner)
    page.goto(reverse("sellercenter:ads_reports"))
    for name in ("start", "end"):
        assert page.eval_on_selector(f'input[name="{name}"]', WIDTH) >= 120, name
    assert page.js_errors == []


def test_the_platform_ad_page_filter_is_one_line_and_fits_a_phone(
    new_page, live_server, login, operator, shot
):
    page = new_page()
    login(page, operator)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(reverse("platform:ads"))
    filters = '[data-testid="ads-report-filters"]'
    tops = {
        page.eval_on_selector(f"{filters} {sel}", TOP)
        for sel in ('select[name="days"]', 'input[name="start"]')
    }
    assert max(tops) - min(tops) <= 8, tops  # one line (centred controls of different heights)
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page)
    assert width <= 390, width
    assert page.js_errors == []
