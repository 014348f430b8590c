"""/api/docs works offline: Swagger UI comes from the project's own static files (django-ninja ships them when
"ninja" is an installed app), not from a CDN, and loads nothing else from outside."""

import re

from django.contrib.staticfiles import finders


def test_api_docs_reference_no_external_host(client):
    r = client.get("/api/docs")

    assert r.status_code == 200
    html = r.content.decode()
    urls = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls), urls
    external = [u for u in urls if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", u, re.I)]
    assert external == []
    assert not re.search(r"https?://|//cdn", html), "an absolute address in the docs page"


def test_the_docs_static_files_are_found_by_the_static_finders(client):
    html = client.get("/api/docs").content.decode()
    local = re.findall(r'(?:src|href)="/static/([^"]+)"', html)

    assert {"ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js"} <= set(local)
    for path in local:
        assert finders.find(path), path


def test_the_swagger_validator_badge_is_off(client):
    """Swagger UI's default validatorUrl would load an image from validator.swagger.io."""
    html = client.get("/api/docs").content.decode()

    assert '"validatorUrl": null' in html
