"""Who may do what: the authorization matrix over every operation, for each kind of token and
each person's role; a bureau writes only in its districts, an enterprise reads only its firm.

The operations are read from the app's URL map, so a new route is checked the day it is added;
POLICY is the table of who may call what (docs/rules.md §3), and a route it does not name fails
`test_policy_names_every_operation`. Entries for routes not built yet are harmless.
"""

import re
from dataclasses import dataclass

import pytest

from registry import db
from registry.cli import init_db
from registry.models import Enterprise, Event
from registry.services import tokens
from registry.services.people import accounts
from registry.services.scope import CLI_ACTOR
from tests.support.apps import make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.http import assert_problem, bearer

API = "/api/v1"
PLAN_ID = "xinxiang-2023-2025"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "instance", "errors"}
# The callers of the matrix: one token of each kind (`other_bureau` is a bureau of another
# district), and people signed in: a clerk of the bureau's district, a viewer, the auditor and
# an admin, each with their session's cookie (and its CSRF token on writes).
TOKEN_ROLES = ("admin", "bureau", "other_bureau", "dashboard", "enterprise")
PEOPLE = {"clerk": "bureau", "viewer": "viewer", "auditor": "auditor", "person_admin": "admin"}
ROLES = (*TOKEN_ROLES, *PEOPLE)
READ_ONLY = ("dashboard", "enterprise", "viewer", "auditor")

PUBLIC = "anyone"
STATS = frozenset({"dashboard", "viewer", "bureau", "admin"})
CITY = frozenset({"bureau", "admin"})
READS = frozenset({"bureau", "admin", "viewer"})
FIRM = frozenset({"bureau", "admin", "enterprise", "viewer"})
TRAIL = frozenset({"bureau", "admin", "auditor"})
ADMIN = frozenset({"admin"})
ANYONE_KNOWN = frozenset({"admin", "bureau", "dashboard", "enterprise", "viewer", "auditor"})
OWN_ACCOUNT = "a person's own"  # a person of any role; a token is not a person
POLICY = {
    ("GET", f"{API}/health"): PUBLIC,
    ("GET", f"{API}/tiers"): PUBLIC,
    ("GET", f"{API}/districts"): PUBLIC,
    ("GET", f"{API}/stages"): PUBLIC,
    ("GET", f"{API}/plans"): PUBLIC,
    ("GET", f"{API}/plans/{{plan_id}}"): PUBLIC,
    ("GET", f"{API}/plans/{{plan_id}}/progress"): STATS,
    ("GET", f"{API}/plans/{{plan_id}}/progress/districts"): STATS,
    ("GET", f"{API}/plans/{{plan_id}}/pipeline"): STATS,
    ("GET", f"{API}/stats/certifications"): STATS,
    ("GET", f"{API}/enterprises"): READS,
    ("POST", f"{API}/enterprises"): CITY,
    ("GET", f"{API}/enterprises/{{credit_code}}"): FIRM,
    ("PATCH", f"{API}/enterprises/{{credit_code}}"): CITY,
    ("POST", f"{API}/enterprises/{{credit_code}}/names"): CITY,
    ("GET", f"{API}/enterprises/{{credit_code}}/status"): FIRM,
    ("GET", f"{API}/enterprises/{{credit_code}}/certifications"): FIRM,
    ("POST", f"{API}/enterprises/{{credit_code}}/certifications"): CITY,
    ("POST", f"{API}/certifications/{{cert_id}}/revoke"): CITY,
    # Applications carry a contact's name and telephone: the admin's and the bureaus' only.
    ("POST", f"{API}/enterprises/{{credit_code}}/applications"): CITY,
    ("GET", f"{API}/applications"): CITY,
    ("GET", f"{API}/applications/{{app_id}}"): CITY,
    ("PATCH", f"{API}/applications/{{app_id}}"): CITY,
    ("POST", f"{API}/applications/moves"): CITY,
    ("GET", f"{API}/exports/applications.xlsx"): CITY,
    ("POST", f"{API}/imports"): CITY,
    ("GET", f"{API}/exports/certifications.csv"): READS,
    ("GET", f"{API}/exports/certifications.xlsx"): READS,
    ("GET", f"{API}/events"): TRAIL,
    ("GET", f"{API}/measures"): PUBLIC,
    ("GET", f"{API}/figures"): STATS,
    ("POST", f"{API}/figures"): CITY,
    ("GET", f"{API}/certifications"): READS,
    ("GET", f"{API}/enterprises/{{credit_code}}/history"): FIRM,
    ("GET", f"{API}/tokens"): CITY,
    ("POST", f"{API}/tokens"): CITY,
    ("GET", f"{API}/tokens/{{token_id}}"): CITY,
    ("POST", f"{API}/tokens/{{token_id}}/revoke"): CITY,
    ("POST", f"{API}/tokens/enterprises"): CITY,
    ("GET", f"{API}/me"): ANYONE_KNOWN,
    ("POST", f"{API}/session"): PUBLIC,
    ("DELETE", f"{API}/session"): OWN_ACCOUNT,
    ("POST", f"{API}/session/password"): OWN_ACCOUNT,
    ("GET", f"{API}/users"): ADMIN,
    ("POST", f"{API}/users"): ADMIN,
    ("GET", f"{API}/users/{{login}}"): ADMIN,
    ("PATCH", f"{API}/users/{{login}}"): ADMIN,
    ("POST", f"{API}/users/{{login}}/password-reset"): ADMIN,
    ("POST", f"{API}/users/{{login}}/unlock"): ADMIN,
}
POLICY_PUBLIC = [key for key, rule in POLICY.items() if rule == PUBLIC and key[0] == "GET"]
PASSWORD = "Matrix-pass-2026"


@dataclass(frozen=True, order=True)
class Operation:
    method: str
    path: str  # as in the OpenAPI document: /api/v1/enterprises/{credit_code}
    endpoint: str

    def __str__(self):
        return f"{self.method} {self.path}"

    @property
    def key(self):
        return (self.method, self.path)

    @property
    def writes(self):
        return self.method in WRITE_METHODS

    @property
    def names_a_firm(self):
        """The path names one enterprise's resource (so a bureau's district scope applies)."""
        return any(f"{{{name}}}" in self.path for name in ("credit_code", "cert_id", "app_id"))

    @property
    def district_scoped(self):
        """Reading it too is for its district's bureau (an application: a contact's data)."""
        return "{app_id}" in self.path


def is_doc_route(endpoint: str) -> bool:
    """Flask's static files, flask-smorest's own docs blueprint and the HTML pages (public by
    auth.PUBLIC_BLUEPRINTS; tests/api/test_pages.py): not API operations."""
    return endpoint == "static" or endpoint.startswith(("api-docs.", "pages."))


def operations(app) -> list[Operation]:
    found = set()
    for rule in app.url_map.iter_rules():
        if is_doc_route(rule.endpoint):
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add(Operation(method, path, rule.endpoint))
    return sorted(found)


def view_of(app, op: Operation):
    view = app.view_functions[op.endpoint]
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, op.method.lower(), None) if view_class else view


ROUTES_APP = make_app("sqlite:///:memory:", init=False)
OPERATIONS = operations(ROUTES_APP)
PROTECTED = [op for op in OPERATIONS if POLICY.get(op.key) != PUBLIC]
WRITES = [op for op in OPERATIONS if op.writes and POLICY.get(op.key) != PUBLIC]
PROTECTED_GETS = [op for op in PROTECTED if op.method == "GET"]
FIRM_GETS = [op for op in PROTECTED_GETS if "{credit_code}" in op.path]


def assert_unauthorized(response):
    assert_problem(response, 401, members=PROBLEM_KEYS)
    assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), response.headers


# ---------------------------------------------------------------------------------------------
# A registry shared by the read-only checks of this module (one app, not one per case); tests
# that write use conftest's fresh `app`, `client` and `auth` instead.


@dataclass
class World:
    app: object
    client: object
    database: object
    headers: dict
    code: str  # the enterprise token's firm, in DISTRICT
    other_code: str  # another firm, in DISTRICT as well
    other_name: str
    cert_id: int
    token_id: int  # an enterprise token of `code`'s firm, there to be read and revoked
    app_id: int  # an application of `code`'s firm

    def signed_in(self, login: str) -> dict:
        """A new session of `login`: the headers its requests carry (the cookie, the CSRF
        token for writes)."""
        answer = self.app.test_client().post(
            f"{API}/session", json={"login": login, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.json
        cookie = answer.headers["Set-Cookie"].split(";")[0]
        return {"Cookie": cookie, "X-CSRF-Token": answer.json["csrf_token"]}

    def url(self, op: Operation, **values) -> str:
        values = {
            "credit_code": self.code,
            "cert_id": self.cert_id,
            "plan_id": PLAN_ID,
            "token_id": self.token_id,
            "app_id": self.app_id,
            "login": "sample",
            **values,
        }
        try:
            return op.path.format(**values)
        except KeyError as exc:
            pytest.fail(f"{op}: add a sample value for the path parameter {exc} to World.url")

    def call(self, op: Operation, headers=None, **kwargs):
        """Call `op`; a write gets an empty JSON body unless told otherwise."""
        if op.writes and "data" not in kwargs:
            kwargs.setdefault("json", {})
        url = self.url(op, **kwargs.pop("values", {}))
        return self.client.open(url, method=op.method, headers=headers or {}, **kwargs)


@pytest.fixture(scope="module")
def shared_world(tmp_path_factory):
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('auth') / 'registry.db'}", init=False)
    client = app.test_client(use_cookies=False)  # each caller's cookie is in its headers
    with app.app_context():
        init_db()
        _, admin = tokens.create_token("admin", "city admin")
        _, bureau = tokens.create_token("bureau", "红旗区工信局", districts=[DISTRICT])
        _, other = tokens.create_token("bureau", "卫滨区工信局", districts=[OTHER_DISTRICT])
        _, dashboard = tokens.create_token("dashboard", "big screen")
        revoked_token, revoked = tokens.create_token("admin", "revoked admin")
    headers = {"admin": bearer(admin), "bureau": bearer(bureau), "other_bureau": bearer(other)}
    headers["dashboard"] = bearer(dashboard)
    assert client.get(f"{API}/enterprises", headers=bearer(revoked)).status_code == 200
    with app.app_context():
        tokens.revoke_token(revoked_token.id)
    headers["revoked"] = bearer(revoked)

    code, other_code, other_name = make_code("auth-own"), make_code("auth-other"), "新乡市他家公司"
    for credit_code, name in ((code, "新乡市自家公司"), (other_code, other_name)):
        response = client.post(
            f"{API}/enterprises",
            json={"credit_code": credit_code, "name": name, "district": DISTRICT},
            headers=headers["admin"],
        )
        assert response.status_code == 201, response.json
    response = client.post(
        f"{API}/enterprises/{code}/certifications",
        json={"tier": "innovative_sme", "year": 2023, "certified_on": "2023-06-30"},
        headers=headers["admin"],
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        _, firm = tokens.create_token("enterprise", "the firm", credit_code=code)
        sample, _ = tokens.create_token("enterprise", "a spare token", credit_code=code)
    headers["enterprise"] = bearer(firm)
    application = client.post(
        f"{API}/enterprises/{code}/applications",
        json={"tier": "specialized_sme", "year": 2026},
        headers=headers["admin"],
    )
    assert application.status_code == 201, application.json
    with app.app_context():
        for login, role in PEOPLE.items():
            districts = [DISTRICT] if role == "bureau" else []
            user, once = accounts.create(CLI_ACTOR, login, f"{login} 某", role, districts)
            accounts.change_password(CLI_ACTOR, user, once, PASSWORD)
        accounts.create(CLI_ACTOR, "sample", "样本", "viewer")  # there to be read and reset
    world = World(
        app,
        client,
        db.database.obj,
        headers,
        code,
        other_code,
        other_name,
        response.json["id"],
        sample.id,
        application.json["id"],
    )
    world.headers.update({person: world.signed_in(person) for person in PEOPLE})
    return world


@pytest.fixture
def world(shared_world):
    # create_app binds the one database proxy; another test may have bound it elsewhere.
    db.database.initialize(shared_world.database)
    return shared_world


# ---------------------------------------------------------------------------------------------
# Every operation declares who may call it, and the declaration is POLICY's.


def test_operations_are_found():
    assert len(OPERATIONS) >= 13
    assert {("GET", f"{API}/health"), ("PATCH", f"{API}/enterprises/{{credit_code}}")} <= {
        op.key for op in OPERATIONS
    }


def test_every_view_declares_an_access_rule():
    """A route added without `@blp.public` or `@blp.access(...)` fails here."""
    missing = []
    for rule in ROUTES_APP.url_map.iter_rules():
        if is_doc_route(rule.endpoint):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            view = view_of(ROUTES_APP, Operation(method, rule.rule, rule.endpoint))
            access = getattr(view, "_access", None)
            roles = set(tokens.ROLES) | set(accounts.ROLES)
            if not isinstance(access, tuple) or not set(access) <= roles:
                missing.append(f"{method} {rule.rule} ({rule.endpoint}): _access={access!r}")
    assert not missing, "operations without a valid @blp.public / @blp.access rule:\n" + "\n".join(
        missing
    )


def test_policy_names_every_operation():
    unknown = [str(op) for op in OPERATIONS if op.key not in POLICY]
    assert not unknown, f"add these operations to POLICY (who may call what): {unknown}"


def test_spec_public_operations_exist():
    assert set(POLICY_PUBLIC) <= {op.key for op in OPERATIONS}


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_declared_roles_are_the_specs(op):
    view = view_of(ROUTES_APP, op)
    access, expected = getattr(view, "_access", None), POLICY.get(op.key)
    if expected == PUBLIC:
        assert access == ()
    elif expected == OWN_ACCOUNT:
        assert set(access) == set(accounts.ROLES) and view._own_account
    else:
        assert access and set(access) == expected
        assert not view._own_account
        assert view._who_am_i == (op.key == ("GET", f"{API}/me"))


# ---------------------------------------------------------------------------------------------
# Without a valid token: 401, before anything else is looked at.

BAD_CREDENTIALS = {
    "no header": {},
    "empty bearer": {"Authorization": "Bearer "},
    "other scheme": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    "unknown token": bearer("ecr_" + "A" * 43),
}


@pytest.mark.parametrize("credential", [*BAD_CREDENTIALS, "revoked token"])
@pytest.mark.parametrize("op", PROTECTED, ids=str)
def test_protected_operation_needs_a_valid_token(world, op, credential):
    if credential == "revoked token":
        headers = world.headers["revoked"]
    else:
        headers = BAD_CREDENTIALS[credential]
    response = world.call(op, headers=headers)
    assert_unauthorized(response)
    assert world.other_name not in response.get_data(as_text=True)


@pytest.mark.parametrize("op", PROTECTED, ids=str)
def test_anonymous_gets_401_for_a_firm_that_does_not_exist(world, op):
    """No existence oracle: an unknown enterprise or certification is 401 too, not 404."""
    assert_unauthorized(world.call(op, values={"credit_code": make_code("nobody"), "cert_id": 999}))


@pytest.mark.parametrize("op", PROTECTED_GETS, ids=str)
def test_anonymous_conditional_get_is_401_not_304(world, op):
    response = world.call(op, headers={"If-None-Match": "*"})
    assert_unauthorized(response)


@pytest.mark.parametrize("op", PROTECTED_GETS, ids=str)
def test_anonymous_head_is_401_like_get(world, op):
    assert world.client.head(world.url(op)).status_code == 401


@pytest.mark.parametrize("op", FIRM_GETS, ids=str)
def test_enterprise_head_on_another_firm_is_403(world, op):
    url = world.url(op, credit_code=world.other_code)
    assert world.client.head(url, headers=world.headers["enterprise"]).status_code == 403


# ---------------------------------------------------------------------------------------------
# Public operations need no token.


@pytest.mark.parametrize("op", [op for op in OPERATIONS if op.key in POLICY_PUBLIC], ids=str)
def test_public_operation_works_without_a_token(world, op):
    response = world.call(op)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"


def test_openapi_document_is_public(world):
    response = world.client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


# ---------------------------------------------------------------------------------------------
# The matrix: each operation, each kind of token.


def refused(op: Operation, role: str) -> bool:
    """Whether the policy refuses `role` on `op` (called on the enterprise token's own firm)."""
    allowed = POLICY[op.key]
    if allowed == PUBLIC:
        return False
    if allowed == OWN_ACCOUNT:
        return role not in PEOPLE  # a person's own business; a token is no person
    if op.writes and role in READ_ONLY:
        return True  # a dashboard, a viewer and the auditor never write; an enterprise reads
    if PEOPLE.get(role, role.removeprefix("other_")) not in allowed:
        return True
    return role == "other_bureau" and ((op.writes and op.names_a_firm) or op.district_scoped)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_matrix(world, op, role):
    if op.key not in POLICY:
        pytest.fail(f"{op} is not in POLICY")
    headers = world.headers[role]
    if role in PEOPLE and POLICY[op.key] == OWN_ACCOUNT:
        headers = world.signed_in(role)  # signing out ends the session: a fresh one for it
    response = world.call(op, headers=headers)
    text = response.get_data().decode("utf-8", errors="replace")  # an XLSX export is binary
    if role == "other_bureau" and "{token_id}" in op.path:
        # A bureau does not learn of tokens outside its districts.
        assert_problem(response, 404, members=PROBLEM_KEYS)
    elif refused(op, role):
        assert_problem(response, 403, members=PROBLEM_KEYS)
        assert world.other_name not in text
    elif op.writes:
        # The empty body is refused, but by validation (422) or a precondition (428), not by auth.
        assert response.status_code not in (401, 403, 404), text
        assert response.status_code < 500, text
    else:
        assert response.status_code == 200, text


@pytest.mark.parametrize("op", WRITES, ids=str)
@pytest.mark.parametrize("role", ["dashboard", "enterprise"])
def test_read_only_tokens_never_write(world, op, role):
    """Independent of POLICY: every write operation refuses a dashboard and an enterprise."""
    response = world.call(op, headers=world.headers[role], json={"name": "x"})
    assert_problem(response, 403, members=PROBLEM_KEYS)


# ---------------------------------------------------------------------------------------------
# Authentication and authorization come before body validation and ETag preconditions.

BODIES = {
    "broken json": {"data": "{not json", "content_type": "application/json"},
    "unknown field": {"json": {"no_such_field": 1}},
}


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize(("caller", "status"), [("anonymous", 401), ("dashboard", 403)])
@pytest.mark.parametrize("op", WRITES, ids=str)
def test_auth_before_validation_and_preconditions(world, op, caller, status, body):
    """E.g. anonymous PATCH without If-Match and with a bad body: 401, not 428, 400 or 422."""
    headers = world.headers.get(caller, {})
    response = world.call(op, headers=headers, **BODIES[body])
    if status == 401:
        assert_unauthorized(response)
    else:
        assert_problem(response, 403, members=PROBLEM_KEYS)
    assert "errors" not in response.get_json()


@pytest.mark.parametrize(
    "op", [op for op in WRITES if op.names_a_firm and POLICY.get(op.key) != PUBLIC], ids=str
)
def test_other_bureau_is_refused_before_validation(world, op):
    response = world.call(op, headers=world.headers["other_bureau"], json={"no_such_field": 1})
    assert_problem(response, 403, members=PROBLEM_KEYS)


def test_anonymous_patch_with_stale_if_match_is_401_not_412(world):
    response = world.client.patch(
        f"{API}/enterprises/{world.code}", json={"name": "x"}, headers={"If-Match": '"stale"'}
    )
    assert_unauthorized(response)


# ---------------------------------------------------------------------------------------------
# An enterprise token reads its own firm only.

OTHER_FIRMS = {
    "registered": None,  # world.other_code
    "unregistered": make_code("never-registered"),
    "malformed": "NOT-A-CREDIT-CODE",
}


@pytest.mark.parametrize("target", OTHER_FIRMS)
@pytest.mark.parametrize("op", FIRM_GETS, ids=str)
def test_enterprise_token_never_reads_another_firm(world, op, target):
    code = OTHER_FIRMS[target] or world.other_code
    response = world.call(op, headers=world.headers["enterprise"], values={"credit_code": code})
    # The same answer whether the firm exists or not.
    body = assert_problem(response, 403, members=PROBLEM_KEYS)
    assert world.other_name not in response.get_data(as_text=True)
    assert "certifications" not in body


@pytest.mark.parametrize("op", FIRM_GETS, ids=str)
def test_enterprise_token_reads_its_own_firm(world, op):
    lower = world.code.lower()  # the path is normalized like the body
    for code in (world.code, lower):
        response = world.call(op, headers=world.headers["enterprise"], values={"credit_code": code})
        assert response.status_code == 200, response.json
        if isinstance(response.json, dict) and "credit_code" in response.json:
            assert response.json["credit_code"] == world.code


# ---------------------------------------------------------------------------------------------
# A bureau writes only in its districts, reads city-wide; the admin may do all. These write, so
# each gets a fresh registry from conftest.


def event_count(app) -> int:
    with app.app_context():
        return Event.select().count()


def test_bureau_registers_only_in_its_own_districts(app, client, auth):
    before = event_count(app)
    for role, district, seed in (
        ("bureau", OTHER_DISTRICT, "bureau-out"),
        ("other_bureau", DISTRICT, "other-out"),
    ):
        code = make_code(seed)
        response = client.post(
            f"{API}/enterprises",
            json={"credit_code": code, "name": "新乡市越界公司", "district": district},
            headers=auth[role],
        )
        assert_problem(response, 403, members=PROBLEM_KEYS)
        assert client.get(f"{API}/enterprises/{code}", headers=auth["admin"]).status_code == 404
    assert event_count(app) == before

    for role, district, seed in (
        ("bureau", DISTRICT, "bureau-in"),
        ("other_bureau", OTHER_DISTRICT, "other-in"),
        ("admin", "410782", "admin-anywhere"),  # 辉县市
    ):
        response = client.post(
            f"{API}/enterprises",
            json={"credit_code": make_code(seed), "name": "新乡市本地公司", "district": district},
            headers=auth[role],
        )
        assert response.status_code == 201, response.json
    assert event_count(app) == before + 3


def _certify_firm(client, auth, code):
    response = client.post(
        f"{API}/enterprises/{code}/certifications",
        json={"tier": "innovative_sme", "year": 2023, "certified_on": "2023-06-30"},
        headers=auth["admin"],
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def _write(action, client, code, cert_id, headers, etag):
    if action == "certify":
        return client.post(
            f"{API}/enterprises/{code}/certifications",
            json={"tier": "specialized_sme", "year": 2024, "certified_on": "2024-03-01"},
            headers=headers,
        )
    if action == "patch":
        return client.patch(
            f"{API}/enterprises/{code}",
            json={"name": "新乡市改名后有限公司"},
            headers={**headers, "If-Match": etag},
        )
    return client.post(
        f"{API}/certifications/{cert_id}/revoke",
        json={"reason": "重大安全事故", "revoked_on": "2024-05-10"},
        headers=headers,
    )


@pytest.mark.parametrize(
    ("role", "allowed"), [("other_bureau", False), ("bureau", True), ("admin", True)]
)
@pytest.mark.parametrize("action", ["certify", "patch", "revoke"])
def test_bureau_writes_only_on_firms_of_its_districts(
    app, client, auth, enterprise_code, action, role, allowed
):
    cert_id = _certify_firm(client, auth, enterprise_code)
    url = f"{API}/enterprises/{enterprise_code}"
    before = client.get(url, headers=auth["admin"])
    events = event_count(app)

    response = _write(action, client, enterprise_code, cert_id, auth[role], before.headers["ETag"])

    after = client.get(url, headers=auth["admin"])
    if allowed:
        assert response.status_code in (200, 201), response.json
        assert after.json != before.json
        assert event_count(app) == events + 1
    else:
        assert_problem(response, 403, members=PROBLEM_KEYS)
        assert after.json == before.json
        assert event_count(app) == events


@pytest.mark.parametrize(
    ("holder", "allowed"), [("bureau", False), ("both districts", True), ("admin", True)]
)
def test_moving_a_firm_needs_the_right_in_both_districts(
    app, client, auth, enterprise_code, holder, allowed
):
    if holder == "both districts":
        with app.app_context():
            _, secret = tokens.create_token(
                "bureau", "two districts", districts=[DISTRICT, OTHER_DISTRICT]
            )
        headers = bearer(secret)
    else:
        headers = auth[holder]
    url = f"{API}/enterprises/{enterprise_code}"
    etag = client.get(url, headers=auth["admin"]).headers["ETag"]
    events = event_count(app)

    response = client.patch(
        url, json={"district": OTHER_DISTRICT}, headers={**headers, "If-Match": etag}
    )

    with app.app_context():
        district = Enterprise.get(Enterprise.credit_code == enterprise_code).district_id
    if allowed:
        assert response.status_code == 200, response.json
        assert district == OTHER_DISTRICT
        assert event_count(app) == events + 1
    else:
        assert_problem(response, 403, members=PROBLEM_KEYS)
        assert district == DISTRICT
        assert event_count(app) == events


def test_bureau_reads_city_wide(client, auth, enterprise_code):
    _certify_firm(client, auth, enterprise_code)
    headers = auth["other_bureau"]  # 卫滨区, reading a 红旗区 firm
    item = client.get(f"{API}/enterprises/{enterprise_code}", headers=headers)
    assert item.status_code == 200
    assert item.json["district"] == DISTRICT
    for suffix in ("/certifications", "/status"):
        response = client.get(f"{API}/enterprises/{enterprise_code}{suffix}", headers=headers)
        assert response.status_code == 200
        assert "innovative_sme" in response.get_data(as_text=True)
    listing = client.get(f"{API}/enterprises?district={DISTRICT}", headers=headers)
    assert listing.status_code == 200
    assert enterprise_code in [e["credit_code"] for e in listing.json["items"]]


def test_revoking_a_token_takes_effect_at_once(app, client):
    with app.app_context():
        token, secret = tokens.create_token("bureau", "soon revoked", districts=[DISTRICT])
    assert client.get(f"{API}/enterprises", headers=bearer(secret)).status_code == 200
    with app.app_context():
        tokens.revoke_token(token.id)
    assert_unauthorized(client.get(f"{API}/enterprises", headers=bearer(secret)))
