"""The OpenAPI document: the committed copy is what the code generates, and it documents
security, every error as problem+json, and examples."""

import json
import re

import pytest

from schemas import credit_code
from tests.support.apps import make_app
from tests.support.http import PROBLEM
from tests.support.paths import ROOT

COMMITTED = ROOT / "openapi" / "openapi.json"
REGENERATE = "the committed openapi/openapi.json is out of date: run `make openapi` and commit it"
API = "/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _generated(app) -> dict:
    """The document flask-smorest builds for `app` (what GET /api/v1/openapi.json serves)."""
    (api,) = app.extensions["flask-smorest"]["apis"].values()
    return api["ext_obj"].spec.to_dict()


ROUTES_APP = make_app("sqlite:///:memory:", init=False)
GENERATED = json.loads(json.dumps(_generated(ROUTES_APP)))  # as served: plain JSON types


def _operations(spec) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


OPERATIONS = _operations(GENERATED)
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]


def _views(app) -> dict[tuple[str, str], object]:
    """(METHOD, OpenAPI path) -> the view function serving it, for every API operation."""
    views = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith(("api-docs.", "pages.")):
            continue  # the document itself, the docs and the HTML pages are not operations
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            views[(method, path)] = (
                getattr(view_class, method.lower(), None) if view_class else view
            )
    return views


VIEWS = _views(ROUTES_APP)


def resolve(obj: dict) -> dict:
    """Follow local `$ref`s (e.g. to #/components/responses/UNAUTHORIZED)."""
    while "$ref" in obj:
        assert obj["$ref"].startswith("#/"), obj
        target = GENERATED
        for part in obj["$ref"][2:].split("/"):
            target = target[part]
        obj = target
    return obj


def access(method: str, path: str):
    view = VIEWS.get((method, path))
    assert view is not None, f"{method} {path} is documented but not routed"
    return getattr(view, "_access", None)


# ---------------------------------------------------------------------------------------------
# The committed document is the generated one.


def test_committed_document_matches_the_code():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == GENERATED, REGENERATE


def test_served_document_matches_the_committed_one(client):
    response = client.get(f"{API}/openapi.json")  # public: no token
    assert response.status_code == 200
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert response.get_json() == committed, REGENERATE


def test_openapi_write_command_matches_the_committed_one(app, tmp_path):
    out = tmp_path / "openapi.json"
    result = app.test_cli_runner().invoke(args=["openapi", "write", "--format=json", str(out)])
    assert result.exit_code == 0, result.output
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == committed, REGENERATE


def test_documented_operations_are_the_routed_ones():
    documented = {(method, path) for method, path, _ in OPERATIONS}
    assert documented == set(VIEWS)


# ---------------------------------------------------------------------------------------------
# Quality of the document.


def test_security_schemes_a_token_and_a_session():
    scheme = GENERATED["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"].lower() == "bearer"
    cookie = GENERATED["components"]["securitySchemes"]["sessionCookie"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == (
        "apiKey",
        "cookie",
        "registry_session",
    )


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_security_matches_the_access_rule(method, path, operation):
    roles = access(method, path)
    assert "security" in operation
    if roles == ():
        assert operation["security"] == []
    else:
        assert roles, f"{method} {path} declares no access rule"
        assert operation["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_error_response_is_problem_json(method, path, operation):
    for status, response in operation["responses"].items():
        if status == "default" or int(status) >= 400:
            content = resolve(response).get("content", {})
            assert set(content) == {PROBLEM}, (status, content)
            schema = resolve(content[PROBLEM]["schema"])
            assert {"type", "title", "status", "detail", "errors"} <= set(schema["properties"])


def _documents(operation, *statuses):
    missing = [s for s in statuses if str(s) not in operation["responses"]]
    assert not missing, f"undocumented responses: {missing}"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_documented_statuses(method, path, operation):
    _documents(operation, 422)  # unknown query parameters, everywhere
    if (method, path) == ("POST", f"{API}/session"):
        _documents(operation, 401, 423)  # signing in: a wrong password, a locked login
    elif access(method, path) == ():
        assert not {"401", "403"} & set(operation["responses"]), "a public operation"
    else:
        _documents(operation, 401, 403)
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        _documents(operation, 400, 413, 422)
    # An account's change needs no If-Match, nor an application's move (checked against its
    # stage as it stands).
    if method == "PATCH" and "/users/" not in path and "/applications/" not in path:
        _documents(operation, 412, 428)
    if re.search(r"\{(credit_code|cert_id|plan_id|app_id)\}", path):
        _documents(operation, 404)


def test_the_checks_see_the_kinds_of_operations():
    """The loops above would pass vacuously on an empty or a public-only document."""
    methods = {method for method, _, _ in OPERATIONS}
    assert {"GET", "POST", "PATCH"} <= methods
    assert any(access(m, p) == () for m, p, _ in OPERATIONS)
    assert any(access(m, p) for m, p, _ in OPERATIONS)
    assert any("requestBody" in op for _, _, op in OPERATIONS)


def _body_examples(operation) -> list[dict]:
    media = operation["requestBody"]["content"]["application/json"]
    examples = [media["example"]] if "example" in media else []
    examples += [resolve(e)["value"] for e in media.get("examples", {}).values()]
    schema = resolve(media["schema"])
    examples += schema.get("examples", []) + ([schema["example"]] if "example" in schema else [])
    return examples


def test_register_enterprise_has_a_valid_request_example(client, auth):
    examples = _body_examples(GENERATED["paths"][f"{API}/enterprises"]["post"])
    assert examples, "POST /enterprises: add a request-body example"
    for example in examples:
        assert credit_code.is_valid(example["credit_code"]), example
        response = client.post(f"{API}/enterprises", json=example, headers=auth["admin"])
        assert response.status_code == 201, response.json  # the example is accepted as is


@pytest.mark.parametrize(
    "path", [p for m, p, op in OPERATIONS if m == "POST" and "requestBody" in op]
)
def test_every_post_body_has_an_example(path):
    assert _body_examples(GENERATED["paths"][path]["post"]), (
        f"POST {path}: add a request-body example"
    )


# ---------------------------------------------------------------------------------------------
# Interactive docs, from local assets.


def test_interactive_docs_are_served_without_a_cdn(client):
    response = client.get(f"{API}/docs")  # public: no token
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "assets from a CDN"
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call its online validator


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_query_argument_is_documented(method, path, operation):
    """Swagger UI can only send the parameters the document declares."""
    view = VIEWS[(method, path)]
    arguments = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    schemas = [a["schema"] for a in arguments if a["in"] == "query"]
    schemas = [schema() if isinstance(schema, type) else schema for schema in schemas]
    expected = {
        field.data_key or name
        for schema in schemas
        for name, field in schema.fields.items()
        if not field.dump_only
    }
    documented = {
        resolve(p)["name"] for p in operation.get("parameters", []) if resolve(p)["in"] == "query"
    }
    assert expected <= documented


def test_polled_operations_document_query_and_etag():
    for path in (f"{API}/plans/{{plan_id}}/progress", f"{API}/stats/certifications"):
        operation = GENERATED["paths"][path]["get"]
        names = {resolve(p)["name"] for p in operation["parameters"]}
        assert {"year", "district", "as_of", "If-None-Match"} <= names, path
        assert "304" in operation["responses"]
        assert "ETag" in operation["responses"]["200"]["headers"]
    stats = GENERATED["paths"][f"{API}/stats/certifications"]["get"]
    (group_by,) = [p for p in stats["parameters"] if resolve(p)["name"] == "group_by"]
    assert "month" in group_by["schema"]["items"]["enum"]
