"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live_server.

Never downloads a browser: it launches /usr/bin/chromium. Without it the tests skip — except under CI=true,
where a missing browser fails them, so CI can't pass by silently skipping."""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls from a thread with a
# running loop unless told it's fine (it is: the test code itself is synchronous).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/wanshang-shots")
PASSWORD = "Wanshang#2026"  # the root conftest's make_user default
TIMEOUT_MS = 10_000


def _need_chromium():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed (pip install -e .[dev])"
    else:
        if Path(CHROMIUM).exists():
            return
        reason = f"{CHROMIUM} not found (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}: browser tests must run in CI", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium():
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _regions(transactional_db):
    """Transactional tests truncate every table, including the regions the migration loaded."""
    from wanshang.fulfillment.services import regions_ensure_loaded

    regions_ensure_loaded()


@pytest.fixture
def new_page(chromium, live_server):
    """new_page(**context_options) → a page in a fresh context whose relative URLs go to the live server."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "zh-CN")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = chromium.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def login():
    """login(page, user): through the real /accounts/login/ form."""

    def do(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("手机号或邮箱", exact=True).fill(user.phone or user.email or user.username)
        page.get_by_label("密码", exact=True).fill(password)
        page.get_by_role("button", name="登 录").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, page.locator(".message-error").all_inner_texts()

    return do


@pytest.fixture
def shot(request):
    """shot(page): a full-page screenshot named after the test, in /tmp (never in the repo)."""

    def take(page, suffix=""):
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{request.node.name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def path(suffix=""):
        SHOTS.mkdir(parents=True, exist_ok=True)
        return SHOTS / f"{request.node.name}{suffix}.png"

    take.path = path
    return take
