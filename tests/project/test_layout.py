"""The house: dependencies run one way, the web package has no circle, the
scope rules live in one Flask-free module, and settings come from REGISTRY_* with their types."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.servers import env_for


def imports_of(path: Path) -> set[str]:
    """The modules a file imports (absolute names), at any depth of the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(folder: str) -> dict[str, set[str]]:
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): imports_of(path)
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def test_schemas_depend_on_nothing_of_the_registry_but_its_messages():
    for module, imported in modules("schemas").items():
        registry = [name for name in imported if name.split(".")[0] == "registry"]
        assert not [n for n in registry if not n.startswith("registry.messages")], module


def test_the_messages_import_no_flask_and_nothing_else_of_the_registry():
    for module, imported in modules("registry/messages").items():
        tops = {name.split(".")[0] for name in imported}
        assert not tops & {"flask", "flask_smorest", "werkzeug", "webargs"}, module
        registry = [name for name in imported if name.split(".")[0] == "registry"]
        assert not [n for n in registry if not n.startswith("registry.messages")], module


def test_services_import_no_flask_and_no_web_layer():
    for module, imported in modules("registry/services").items():
        tops = {name.split(".")[0] for name in imported}
        assert not tops & {"flask", "flask_smorest", "werkzeug", "webargs"}, module
        assert not [n for n in imported if n.startswith(("registry.web", "registry.api"))], module


def test_the_web_package_has_no_circle():
    graph = {
        module: {
            name
            for name in imported
            if name.startswith("registry.web.") and name.count(".") == 2 and name != module
        }
        for module, imported in modules("registry/web").items()
    }

    def visit(module, path):
        assert module not in path, " -> ".join([*path, module])
        for following in graph.get(module, ()):
            visit(following, [*path, module])

    for module in graph:
        visit(module, [])


def test_the_bureau_district_rule_is_written_once():
    """An actor's districts are read in the scope module only."""
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "registry").rglob("*.py"))
        if "actor.districts" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["registry/services/scope.py"]


def test_one_module_reads_the_callers_credential():
    """Who is calling is read in registry.web.credentials only: the auth hook, the rate limits
    and the poll middleware ask it (a new kind of credential is added there, once)."""
    header = ("HTTP_AUTHORIZATION", 'headers.get("Authorization"', ".authorization", "hash_secret")
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "registry").rglob("*.py"))
        if any(words in path.read_text(encoding="utf-8") for words in header)
        and not path.match("services/tokens.py")
    ]
    assert readers == ["registry/web/credentials.py"]


def test_the_api_prefix_is_written_once():
    writers = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / "registry").rglob("*.py"))
        if '"/api/v1' in path.read_text(encoding="utf-8")
    ]
    assert writers == ["registry/config.py"]


def _settings(tmp_path, **environment) -> dict:
    script = (
        "import json; from registry import create_app; from registry.services.clock import today;"
        f"app = create_app({{'DATABASE_URL': 'sqlite:///{tmp_path / 'env.db'}'}});"
        "keys = ('MAX_CONTENT_LENGTH', 'IMPORT_MAX_ROWS', 'RATELIMIT_ENABLED', 'RATELIMIT_DEFAULT',"
        " 'SQLITE_BUSY_TIMEOUT_MS', 'TIMEZONE', 'AUTH_FAILURE_LIMIT');"
        "print(json.dumps({k: app.config[k] for k in keys} | {'today': str(today())}))"
    )
    env = env_for(f"sqlite:///{tmp_path / 'env.db'}")
    env.pop("REGISTRY_RATE_LIMIT_ENABLED")  # the tests' own setting: the default here
    env.update(environment)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_have_typed_defaults(tmp_path):
    settings = _settings(tmp_path)
    assert settings["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    assert settings["RATELIMIT_ENABLED"] is True
    assert settings["TIMEZONE"] == "Asia/Shanghai"


def test_settings_come_from_the_environment_with_their_types(tmp_path):
    settings = _settings(
        tmp_path,
        REGISTRY_MAX_UPLOAD_BYTES="1048576",
        REGISTRY_IMPORT_MAX_ROWS="500",
        REGISTRY_RATE_LIMIT_ENABLED="false",
        REGISTRY_RATE_LIMIT="5 per second",
        REGISTRY_SQLITE_BUSY_TIMEOUT_MS="2500",
        REGISTRY_TIMEZONE="Pacific/Kiritimati",
        REGISTRY_AUTH_FAILURE_LIMIT="3 per minute",
    )
    assert settings["MAX_CONTENT_LENGTH"] == 1_048_576
    assert settings["IMPORT_MAX_ROWS"] == 500
    assert settings["RATELIMIT_ENABLED"] is False
    assert settings["RATELIMIT_DEFAULT"] == "5 per second"
    assert settings["SQLITE_BUSY_TIMEOUT_MS"] == 2500
    assert settings["AUTH_FAILURE_LIMIT"] == "3 per minute"
    assert settings["TIMEZONE"] == "Pacific/Kiritimati"
    kiritimati = _settings(tmp_path, REGISTRY_TIMEZONE="Pacific/Kiritimati")["today"]
    pago_pago = _settings(tmp_path, REGISTRY_TIMEZONE="Pacific/Pago_Pago")["today"]
    assert kiritimati != pago_pago  # 25 hours apart: never the same calendar day


@pytest.mark.parametrize(
    ("name", "value"),
    [("REGISTRY_MAX_UPLOAD_BYTES", "lots"), ("REGISTRY_RATE_LIMIT_ENABLED", "maybe")],
)
def test_a_mistyped_setting_stops_the_app_with_its_name(tmp_path, name, value):
    with pytest.raises(AssertionError, match=name):
        _settings(tmp_path, **{name: value})
