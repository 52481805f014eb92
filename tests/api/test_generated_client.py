"""Generated clients work: openapi-python-client generates a client from the
committed document with no warning and no model dropped, and the README's walk-through runs
through it against gunicorn: every success answer parsed into its model, every error into
Problem, no status the document does not list (the client raises on one)."""

import datetime as dt
import importlib
import io
import json
import shutil
import subprocess
import sys

import pytest
from openapi_spec_validator import validate

from registry.services.clock import today
from tests.support.paths import ROOT
from tests.support.servers import BIN, create_token, gunicorn_server

COMMITTED = ROOT / "openapi" / "openapi.json"
CODE = "91410702MA9F3K2L2U"  # the README's firm
# The list files it cannot model (CSV and text, XLSX, XLS, DOCX, PDF) are bytes to it; nothing
# else is overridden.
GENERATOR_CONFIG = """\
package_name_override: registry_client
post_hooks: []
content_type_overrides:
  text/csv: application/octet-stream
  text/plain: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  application/vnd.ms-excel: application/octet-stream
  application/vnd.openxmlformats-officedocument.wordprocessingml.document: application/octet-stream
  application/pdf: application/octet-stream
"""


def test_the_committed_document_validates():
    validate(json.loads(COMMITTED.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package, generated from the committed document; the generator's output."""
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.yml"
    config.write_text(GENERATOR_CONFIG)
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(COMMITTED),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(folder / "registry_client"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("registry_client"), result.stdout + result.stderr
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == "registry_client"]:
            del sys.modules[name]
        shutil.rmtree(folder, ignore_errors=True)


def test_the_generator_drops_nothing_and_warns_of_nothing(generated):
    _, output = generated
    assert "warning" not in output.lower(), output
    assert "unable" not in output.lower(), output
    models = importlib.import_module("registry_client.models")
    schemas = json.loads(COMMITTED.read_text(encoding="utf-8"))["components"]["schemas"]
    for name in schemas:  # every component became a model (none dropped)
        assert hasattr(models, name), name


def test_no_operation_has_a_catch_all_default_response():
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":  # the path's own, not an operation
                continue
            assert "default" not in operation["responses"], (method, path)
            successes = [s for s in operation["responses"] if s.startswith("2")]
            assert len(successes) == 1, (method, path, successes)


class Walk:
    """The README's calls through the generated client; `call` checks each answer's type."""

    def __init__(self, package, base_url: str):
        self.api = importlib.import_module("registry_client.api")
        self.models = importlib.import_module("registry_client.models")
        self.package = package
        self.base_url = base_url

    def client(self, token: str | None):
        if token is None:
            return self.package.Client(base_url=self.base_url, raise_on_unexpected_status=True)
        return self.package.AuthenticatedClient(
            base_url=self.base_url, token=token, raise_on_unexpected_status=True
        )

    def call(self, operation: str, token, expected: int, model: str, **kwargs):
        group, name = operation.split(".")
        module = importlib.import_module(f"registry_client.api.{group}.{name}")
        response = module.sync_detailed(client=self.client(token), **kwargs)
        assert response.status_code == expected, (operation, response.content[:500])
        parsed = response.parsed
        kind = getattr(self.models, model)
        if isinstance(parsed, list):
            assert parsed and all(isinstance(item, kind) for item in parsed), operation
        else:
            assert isinstance(parsed, kind), (operation, type(parsed), response.content[:300])
        if expected >= 400:
            assert parsed.status == expected and parsed.detail, operation
        return response


def test_the_readme_walk_through_runs_through_the_generated_client(generated, tmp_path):
    package, _ = generated
    with gunicorn_server(tmp_path, workers=1, name="client") as server:
        url = server.database_url
        admin = server.admin_token  # made by `registry create-token --role admin`, as README step 0
        bureau = create_token(
            url, "--role", "bureau", "--name", "红旗区工信局", "--district", "410702"
        )
        screen = create_token(url, "--role", "dashboard", "--name", "大屏")
        walk = Walk(package, server.base_url.removesuffix("/api/v1"))
        m = walk.models

        walk.call("health.get_api_v1_health", None, 200, "Health")
        walk.call("catalog.get_api_v1_tiers", None, 200, "Tier")
        walk.call("catalog.get_api_v1_districts", None, 200, "District")
        walk.call(
            "catalog.get_api_v1_plans_plan_id", None, 200, "Plan", plan_id="xinxiang-2023-2025"
        )

        firm = m.EnterpriseCreate(
            credit_code=CODE, name="新乡市红旗机械制造有限公司", district="410702"
        )
        walk.call("enterprises.post_api_v1_enterprises", None, 401, "Problem", body=firm)
        registered = walk.call(
            "enterprises.post_api_v1_enterprises", bureau, 201, "Enterprise", body=firm
        )
        assert registered.parsed.credit_code == CODE
        assert registered.headers["location"].endswith(f"/api/v1/enterprises/{CODE}")
        walk.call("enterprises.post_api_v1_enterprises", bureau, 409, "Problem", body=firm)
        bad = m.EnterpriseCreate(credit_code=CODE[:-1] + "0", name="x", district="410702")
        walk.call("enterprises.post_api_v1_enterprises", bureau, 422, "Problem", body=bad)
        elsewhere = m.EnterpriseCreate(
            credit_code="91410703MA44R7T17N", name="卫滨", district="410703"
        )
        walk.call("enterprises.post_api_v1_enterprises", bureau, 403, "Problem", body=elsewhere)

        # The README's dates, brought to this year: a title still valid whenever this runs.
        announced = today() - dt.timedelta(days=30)
        innovative = m.CertificationCreate.from_dict(
            {
                "tier": "innovative_sme",
                "year": announced.year,
                "certified_on": announced.isoformat(),
                "document_no": "豫工信企业〔2026〕45号",
            }
        )
        path = "certifications.post_api_v1_enterprises_credit_code_certifications"
        cert = walk.call(path, bureau, 201, "Certification", credit_code=CODE, body=innovative)
        assert cert.parsed.status.value == "active"
        giant = m.CertificationCreate.from_dict(
            {"tier": "little_giant", "certified_on": today().isoformat()}
        )
        walk.call(path, bureau, 409, "Problem", credit_code=CODE, body=giant)

        own = create_token(url, "--role", "enterprise", "--name", "红旗机械", "--credit-code", CODE)
        status = walk.call(
            "enterprises.get_api_v1_enterprises_credit_code_status",
            own,
            200,
            "EnterpriseStatus",
            credit_code=CODE,
        )
        assert (status.parsed.current_tier, status.parsed.next_tier) == (
            "innovative_sme",
            "specialized_sme",
        )
        walk.call(
            "enterprises.get_api_v1_enterprises_credit_code_status",
            own,
            403,
            "Problem",
            credit_code="91410703MA44R7T17N",
        )

        progress = walk.call(
            "dashboards.get_api_v1_plans_plan_id_progress",
            screen,
            200,
            "Progress",
            plan_id="xinxiang-2023-2025",
            year=2023,
        )
        assert progress.parsed.targets
        group_by = [m.GetApiV1StatsCertificationsGroupByItem(k) for k in ("tier", "district")]
        stats = walk.call(
            "dashboards.get_api_v1_stats_certifications", screen, 200, "Stats", group_by=group_by
        )
        assert stats.parsed.group_by == ["tier", "district"]  # the client sends it exploded
        walk.call("enterprises.get_api_v1_enterprises", screen, 403, "Problem")

        page = walk.call(
            "enterprises.get_api_v1_enterprises", bureau, 200, "EnterprisePage", q="红旗"
        )
        assert [item.credit_code for item in page.parsed.items] == [CODE]

        read = walk.call(
            "enterprises.get_api_v1_enterprises_credit_code",
            bureau,
            200,
            "Enterprise",
            credit_code=CODE,
        )
        rename = m.EnterprisePatch(name="新乡市红旗智能装备有限公司")
        patch = "enterprises.patch_api_v1_enterprises_credit_code"
        changed = walk.call(
            patch,
            bureau,
            200,
            "Enterprise",
            credit_code=CODE,
            body=rename,
            if_match=read.headers["etag"],
        )
        assert changed.parsed.name == rename.name
        walk.call(
            patch,
            bureau,
            412,
            "Problem",
            credit_code=CODE,
            body=rename,
            if_match=read.headers["etag"],
        )

        revoke = "certifications.post_api_v1_certifications_cert_id_revoke"
        reason = m.Revocation.from_dict(
            {"reason": "重大安全事故", "revoked_on": today().isoformat()}
        )
        revoked = walk.call(
            revoke, bureau, 200, "Certification", cert_id=cert.parsed.id, body=reason
        )
        assert revoked.parsed.status.value == "revoked"
        walk.call(revoke, bureau, 409, "Problem", cert_id=cert.parsed.id, body=reason)
        walk.call(revoke, bureau, 404, "Problem", cert_id=2_000_000_000, body=reason)
        walk.call(
            "certifications.get_api_v1_enterprises_credit_code_certifications",
            own,
            200,
            "CertificationList",
            credit_code=CODE,
        )
        walk.call("events.get_api_v1_events", bureau, 200, "EventPage")

        rows = m.ImportRows.from_dict(
            {
                "rows": [
                    {
                        "credit_code": "91410703MA44R7T17N",
                        "name": "新乡市卫滨测试有限公司",
                        "district": "卫滨区",
                        "tier": "创新型中小企业",
                        "year": 2023,
                        "certified_on": "2023-06-28",
                        "document_no": "豫工信企业〔2023〕45号",
                    }
                ]
            }
        )
        walk.call("imports.post_api_v1_imports", bureau, 403, "Problem", body=rows, dry_run=True)
        result = walk.call(
            "imports.post_api_v1_imports", admin, 200, "ImportResult", body=rows, dry_run=True
        )
        assert (result.parsed.rows, result.parsed.dry_run) == (1, True)
        # A published list as the bureau has it: CSV bytes (GBK), its facts as parameters.
        published = (
            "2023年度河南省创新型中小企业名单\r\n统一社会信用代码,企业名称,县（市、区）\r\n"
            "91410702MA9F3K2L2U,新乡市红旗智能装备有限公司,红旗区\r\n"
        ).encode("gbk")
        sheet = package.types.File(payload=io.BytesIO(published), mime_type="text/csv")
        loaded = walk.call(
            "imports.post_api_v1_imports",
            bureau,
            200,
            "ImportResult",
            body=sheet,
            certified_on="2023-03-20",
            dry_run=True,
        )
        assert loaded.parsed.list_.facts.tier.value == "innovative_sme"
