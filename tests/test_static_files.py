"""Production static files: collectstatic writes copies with a content hash in their names, and pages name those."""

import importlib
import json
import re

import pytest
from django.core.management import call_command

MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.parametrize(("debug", "backend"), [("false", MANIFEST), ("true", PLAIN)])
def test_hashed_names_in_production_plain_names_in_development(monkeypatch, debug, backend):
    from wanshang import settings as module

    monkeypatch.setenv("DEBUG", debug)
    try:
        assert importlib.reload(module).STORAGES["staticfiles"]["BACKEND"] == backend
    finally:
        monkeypatch.undo()
        importlib.reload(module)


@pytest.mark.django_db
def test_collectstatic_writes_hashed_copies_that_rendered_pages_reference(settings, tmp_path, client):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}

    call_command("collectstatic", interactive=False, verbosity=0)

    paths = json.loads((tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    hashed = paths["css/wanshang.css"]
    assert re.fullmatch(r"css/wanshang\.[0-9a-f]{12}\.css", hashed)
    assert (tmp_path / "static" / hashed).is_file()
    html = client.get("/accounts/login/").content.decode()
    assert f'href="/static/{hashed}"' in html
    assert f'src="/static/{paths["vendor/htmx.min.js"]}"' in html
    assert "/static/css/wanshang.css" not in html
