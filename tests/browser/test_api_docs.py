"""/api/docs renders Swagger UI in Debian's Chromium with every request to another host refused (as offline)."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_offline_from_our_own_static_files(page, live_server, shot):
    own = urlparse(live_server.url).netloc
    outside = []

    def only_ours(route):
        if urlparse(route.request.url).netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)

    page.goto("/api/docs")

    # Swagger UI renders once it has fetched /api/openapi.json, which ninja builds on each request (~1 s, more
    # on a loaded machine)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("万商 Wanshang API", timeout=30_000)
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    assert page.locator(".opblock").count() > 100  # every endpoint of the three faces is listed
    page.locator(".opblock-summary", has_text="/api/store/products/{product_id}").first.click()
    expect(page.locator(".opblock.is-open .responses-wrapper")).to_contain_text("422")
    # Screens, not the whole page: with every endpoint listed the page is tens of thousands of pixels tall, and a
    # full-page capture of it timed out on a loaded machine.
    opened = page.locator(".opblock.is-open").first
    opened.screenshot(path=str(shot.path("-operation")))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot.path("-top")))  # the first screen, to look at
    assert outside == []
    assert page.js_errors == []
