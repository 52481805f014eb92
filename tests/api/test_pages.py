"""The HTML pages (/dashboard, /workbench, /status) and the docs' assets, through the test
client: public, local assets only, outside the OpenAPI document, every string in both languages.
What they show in a browser is tested in tests/browser/."""

import re

import pytest

from registry.pages import CONTENT_SECURITY_POLICY
from tests.support.apps import make_app
from tests.support.paths import ROOT

PAGES = ["/dashboard", "/workbench", "/status"]
STATIC = ROOT / "registry" / "static"
# Every page script with strings of its own (docs.js has none: the guides are Markdown).
SCRIPTS = sorted(p.name for p in STATIC.glob("*.js") if p.name != "docs.js")


def _assets(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"'#]+)["']""", html)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_public_html_in_chinese_first(client, path):
    response = client.get(path)  # no token: the page's own data calls carry it
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert '<meta name="viewport"' in html
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", [*PAGES, "/audit", "/users", "/login"])
def test_a_page_says_the_registrys_time_zone_it_shows_times_in(tmp_path, path):
    app = make_app(tmp_path, TIMEZONE="Asia/Urumqi")
    html = app.test_client().get(path).get_data(as_text=True)
    assert '<meta name="registry-time-zone" content="Asia/Urumqi">' in html


@pytest.mark.parametrize("path", [*PAGES, "/api/v1/docs"])
def test_every_asset_of_a_page_is_local_and_served(client, path):
    html = client.get(path).get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "an asset from elsewhere"
    assets = _assets(html)
    assert assets
    for asset in assets:
        assert asset.startswith("/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()


def test_the_content_security_policy_allows_only_this_origin():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    for name in ("script-src", "style-src", "connect-src", "img-src"):
        assert directives[name] == "'self'", name


def test_the_pages_are_not_api_operations(app):
    (api,) = app.extensions["flask-smorest"]["apis"].values()
    paths = api["ext_obj"].spec.to_dict()["paths"]
    assert not {"/dashboard", "/status", "/vendor/swagger-ui/{filename}"} & set(paths)
    assert all(path.startswith("/api/v1/") for path in paths)


def test_swagger_ui_assets_come_from_the_package(client):
    response = client.get("/vendor/swagger-ui/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert b"SwaggerUIBundle" in response.get_data()
    response.close()
    assert client.get("/vendor/swagger-ui/no-such-file.js").status_code == 404
    assert client.get("/vendor/swagger-ui/../__init__.py").status_code == 404


def test_the_apps_own_static_route_is_off(client):
    """registry/static is served at /assets only, not also at Flask's /static (behind a token)."""
    assert client.get("/static/common.js").status_code == 404
    response = client.get("/assets/common.js")
    assert response.status_code == 200
    response.close()


def test_a_token_in_the_query_string_is_refused(client):
    """The token goes in the fragment (`#token=…`), which never reaches the server or its log."""
    response = client.get("/dashboard?token=secret")
    assert response.status_code == 422
    assert "token" in response.json["errors"]["query"]


def _string_keys(script: str) -> list[str]:
    return re.findall(r'^\s*"([a-z]+\.[\w.]+)":', script, re.MULTILINE)


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_string_is_in_chinese_and_english(name):
    keys = _string_keys((STATIC / name).read_text(encoding="utf-8"))
    assert keys
    counts = {key: keys.count(key) for key in keys}
    assert all(count == 2 for count in counts.values()), counts  # once in zh, once in en


@pytest.mark.parametrize("path", PAGES)
def test_every_text_of_a_page_has_a_translation(client, path):
    html = client.get(path).get_data(as_text=True)
    known = set()
    for name in SCRIPTS:
        known.update(_string_keys((STATIC / name).read_text(encoding="utf-8")))
    used = set(re.findall(r'data-i18n(?:-aria-label)?="([^"]+)"', html))
    assert used
    assert used <= known, used - known


def test_the_charting_library_is_vendored_with_its_licence(client):
    """ECharts is served from here (no CDN), with the Apache licence and NOTICE it asks for."""
    vendor = STATIC / "vendor" / "echarts"
    assert {"LICENSE", "NOTICE", "echarts.common.min.js"} <= {p.name for p in vendor.iterdir()}
    assert "Apache License" in (vendor / "LICENSE").read_text(encoding="utf-8")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "/assets/vendor/echarts/echarts.common.min.js" in html
    response = client.get("/assets/vendor/echarts/echarts.common.min.js")
    assert response.status_code == 200 and b"Apache" in response.get_data()[:2000]
    response.close()
