"""The `registry` command: init-db, create-token, revoke-token, and a list at the row limit.

The console script runs as a subprocess where what matters is the real process (repeating
init-db on a file, the combined output, the bytes on disk); the rest goes through
`app.test_cli_runner()` against the `app` fixture's database.
"""

import hashlib
import re

import pytest

from bench.make_list import write_list
from registry.models import Event, Token
from tests.support.apps import invoke, make_app
from tests.support.codes import DISTRICT, OTHER_DISTRICT, make_code
from tests.support.databases import ON_POSTGRES, fresh_url, query
from tests.support.http import assert_problem, bearer
from tests.support.servers import run_registry

SEEDED = {"district": 15, "tier": 20, "measure": 15, "plan": 1, "target": 47}


def counts(url, tables) -> dict[str, int]:
    return {t: query(url, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


def token_count(app) -> int:
    with app.app_context():
        return Token.select().count()


def test_init_db_is_safe_to_repeat(tmp_path):
    url = fresh_url(tmp_path, "cli")
    first = run_registry(url, "init-db")
    assert "15 districts" in first.stdout
    assert counts(url, SEEDED) == SEEDED

    # Data written between runs: a token (CLI), an enterprise and a certification (API).
    secret = run_registry(url, "create-token", "--role", "admin", "--name", "ops").stdout
    secret = secret.splitlines()[-1]
    app = make_app(url, init=False)
    client = app.test_client()
    code = make_code("kept-across-init-db")
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": code, "name": "新乡市重复初始化有限公司", "district": DISTRICT},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.json
    response = client.post(
        f"/api/v1/enterprises/{code}/certifications",
        json={"tier": "innovative_sme", "certified_on": "2024-03-15"},
        headers=bearer(secret),
    )
    assert response.status_code == 201, response.json
    kept = counts(url, ["token", "enterprise", "certification"])
    assert kept == {"token": 1, "enterprise": 1, "certification": 1}

    for _ in range(2):
        again = run_registry(url, "init-db")
        assert again.returncode == 0
        assert counts(url, SEEDED) == SEEDED
        assert counts(url, kept) == kept
    # Still usable afterwards: the token authenticates, the firm keeps its tier.
    response = client.get(f"/api/v1/enterprises/{code}/status", headers=bearer(secret))
    assert response.status_code == 200, response.json
    assert response.json["current_tier"] == "innovative_sme"


def test_create_token_prints_the_secret_alone_on_the_last_line(tmp_path):
    path = tmp_path / "cli.db"
    url = fresh_url(tmp_path, "cli")
    run_registry(url, "init-db")
    result = run_registry(url, "create-token", "--role", "admin", "--name", "市工信局")
    lines = result.stdout.splitlines()  # stdout and stderr combined, in the order written
    secret = lines[-1]
    assert re.fullmatch(r"\S{32,}", secret), result.stdout  # the secret alone, at least 32 chars
    assert result.stdout.count(secret) == 1  # shown once
    assert len(lines) > 1 and all(secret not in line for line in lines[:-1])

    # Only its SHA-256 is stored; the secret itself is in no byte of the database files.
    rows = query(url, "SELECT * FROM token")
    stored = query(url, "SELECT secret_hash FROM token")
    assert stored == [(hashlib.sha256(secret.encode()).hexdigest(),)]
    assert all(secret not in str(value) for value in rows[0])
    if not ON_POSTGRES:
        files = sorted(tmp_path.glob("cli.db*"))  # the file, its -wal and -shm if any
        assert path in files
        for file in files:
            assert secret.encode() not in file.read_bytes(), file

    # And it authenticates.
    client = make_app(url, init=False).test_client()
    assert client.get("/api/v1/enterprises", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/enterprises", headers=bearer(secret + "x")).status_code == 401


def test_create_token_in_process_last_line_and_hash(app, client):
    result = invoke(app, "create-token", "--role", "dashboard", "--name", "大屏")
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[-1]
    assert result.output.count(secret) == 1
    with app.app_context():
        token = Token.get(Token.name == "大屏")
        assert token.role == "dashboard"
        assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert client.get("/api/v1/districts", headers=bearer(secret)).status_code == 200


def test_revoke_token_makes_it_401_at_once(app, client):
    secrets = {}
    for name in ("to be revoked", "kept"):
        result = invoke(app, "create-token", "--role", "admin", "--name", name)
        assert result.exit_code == 0, result.output
        secrets[name] = result.output.splitlines()[-1]
    with app.app_context():
        doomed = Token.get(Token.name == "to be revoked")
    assert (
        client.get("/api/v1/enterprises", headers=bearer(secrets["to be revoked"])).status_code
        == 200
    )

    result = invoke(app, "revoke-token", str(doomed.id))
    assert result.exit_code == 0, result.output
    response = client.get("/api/v1/enterprises", headers=bearer(secrets["to be revoked"]))
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    # Only that one: the other token still works.
    assert client.get("/api/v1/enterprises", headers=bearer(secrets["kept"])).status_code == 200
    with app.app_context():
        assert Token.get_by_id(doomed.id).revoked_at is not None
        assert Token.select().count() == 2  # revoked, not deleted
        assert Event.select().where(Event.action == "token.revoked").count() == 1

    # list-tokens shows the state, never a secret.
    listing = invoke(app, "list-tokens")
    assert listing.exit_code == 0, listing.output
    assert all(secret not in listing.output for secret in secrets.values())
    [doomed_line] = [line for line in listing.output.splitlines() if "to be revoked" in line]
    assert "revoked" in doomed_line.replace("to be revoked", "")

    # Revoking again changes nothing; an unknown id is an error.
    assert invoke(app, "revoke-token", str(doomed.id)).exit_code == 0
    unknown = invoke(app, "revoke-token", "9999")
    assert unknown.exit_code != 0
    assert "9999" in unknown.output


def test_revoke_token_by_name_revokes_every_active_token_held_under_it(app, client):
    secrets = {}
    for label, name in (("first", "张三"), ("second", "张三"), ("other", "李四")):
        result = invoke(app, "create-token", "--role", "admin", "--name", name)
        secrets[label] = result.output.splitlines()[-1]

    result = invoke(app, "revoke-token", "--name", "张三")

    assert result.exit_code == 0, result.output
    assert "2 active token(s)" in result.output
    for label in ("first", "second"):
        assert_problem(client.get("/api/v1/enterprises", headers=bearer(secrets[label])), 401)
    assert client.get("/api/v1/enterprises", headers=bearer(secrets["other"])).status_code == 200
    with app.app_context():
        assert Event.select().where(Event.action == "token.revoked").count() == 2
    again = invoke(app, "revoke-token", "--name", "张三")  # none active any more: nothing
    assert again.exit_code == 0 and "0 active token(s)" in again.output
    both = invoke(app, "revoke-token", "1", "--name", "张三")
    assert both.exit_code != 0 and "not both" in both.output


def _refused(app, args, *words):
    before = token_count(app)
    result = invoke(app, "create-token", *args)
    assert result.exit_code != 0, result.output
    for word in words:
        assert word in result.output, result.output
    assert "Traceback" not in result.output
    assert token_count(app) == before  # nothing created
    return result


def test_bureau_token_without_district_fails(app):
    result = _refused(app, ["--role", "bureau", "--name", "县工信局"], "--district")
    assert result.output.startswith("Error:")


def test_bureau_token_without_district_fails_in_the_real_command(app):
    result = run_registry(
        app.config["DATABASE_URL"], "create-token", "--role", "bureau", "--name", "x", check=False
    )
    assert result.returncode != 0
    assert "--district" in result.stdout
    assert token_count(app) == 0


@pytest.mark.parametrize(
    "district",
    [
        "999999",
        "410728",  # 长垣县 until 2019, now 长垣市 410783
        "410700",  # the city itself is not one of the 15
    ],
)
def test_unknown_district_fails(app, district):
    _refused(
        app,
        ["--role", "bureau", "--name", "x", "--district", DISTRICT, "--district", district],
        district,
        "unknown district",
    )


def test_bureau_token_is_scoped_to_its_districts(app, client):
    result = invoke(
        app,
        "create-token",
        "--role",
        "bureau",
        "--name",
        "卫滨区工信局",
        "--district",
        OTHER_DISTRICT,
    )
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[-1]

    def register(seed, district):
        return client.post(
            "/api/v1/enterprises",
            json={"credit_code": make_code(seed), "name": f"企业{seed}", "district": district},
            headers=bearer(secret),
        )

    assert register("in-scope", OTHER_DISTRICT).status_code == 201
    assert register("out-of-scope", DISTRICT).status_code == 403


def test_enterprise_token_for_an_unregistered_code_fails(app, client, auth):
    code = make_code("not-registered-yet")
    _refused(
        app,
        ["--role", "enterprise", "--name", "the firm", "--credit-code", code],
        code,
        "No enterprise",
    )
    # Registered, the same command works, and the token reads its own firm only.
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": code, "name": "新乡市后注册有限公司", "district": DISTRICT},
        headers=auth["admin"],
    )
    assert response.status_code == 201
    result = invoke(
        app,
        "create-token",
        "--role",
        "enterprise",
        "--name",
        "the firm",
        "--credit-code",
        f" {code.lower()} ",
    )
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[-1]
    with app.app_context():
        assert (
            Token.get(Token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()).credit_code
            == code
        )
    own = client.get(f"/api/v1/enterprises/{code}/status", headers=bearer(secret))
    assert own.status_code == 200
    other = client.get(
        f"/api/v1/enterprises/{make_code('fixture-enterprise')}/status", headers=bearer(secret)
    )
    assert other.status_code in (403, 404)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["--role", "enterprise", "--name", "x", "--credit-code", "91410702MA9F3K2L20"],
            ["check character"],
        ),
        (["--role", "enterprise", "--name", "x"], ["--credit-code"]),
        (["--role", "admin", "--name", "x", "--district", DISTRICT], ["--district"]),
        (
            ["--role", "dashboard", "--name", "x", "--credit-code", "91410702MA9F3K2L2U"],
            ["--credit-code"],
        ),
        (["--role", "admin", "--name", "   "], ["name"]),
        (["--role", "root", "--name", "x"], ["root"]),
        (["--role", "admin"], ["--name"]),
    ],
)
def test_create_token_refuses_misuse(app, args, words):
    _refused(app, args, *words)


def test_commands_run_under_flasks_test_cli_runner(app):
    """Each command pushes its own app context (with_appcontext), so Flask's own test runner,
    which unlike the `registry` script pushes none, runs them as they are."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "15 districts" in result.output
    result = runner.invoke(args=["create-token", "--role", "admin", "--name", "runner"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["list-tokens"])
    assert listing.exit_code == 0, listing.output
    assert "runner" in listing.output


def test_a_list_of_200000_rows_loads_and_one_of_200001_is_refused(tmp_path):
    """The default limit, exactly, on a list as published (a title above the header)."""
    url = fresh_url(tmp_path, "limit")
    run_registry(url, "init-db")
    facts = ("--tier", "innovative_sme", "--certified-on", "2024-06-28", "--dry-run")
    at_limit, over = tmp_path / "200000.csv", tmp_path / "200001.csv"
    write_list(at_limit, 200_000)
    write_list(over, 200_001)

    passed = run_registry(url, "import", str(at_limit), *facts)
    refused = run_registry(url, "import", str(over), *facts, check=False)

    assert passed.stdout.splitlines()[-1].startswith("200000 rows: would create 200000 ")
    assert refused.returncode == 1
    assert "more than 200000 rows, the limit of one import" in refused.stdout
