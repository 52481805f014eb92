"""deploy/'s monitoring: the Prometheus alert rules and the Grafana dashboard parse, have the
shape their tools load, and name only metrics that GET /metrics exposes (promtool is not at
hand: PyYAML reads the rules)."""

import json
import re

import pytest
import yaml
from prometheus_client import Counter, Histogram

from registry import metrics
from tests.support.apps import make_app
from tests.support.metrics import names, parsed
from tests.support.paths import ROOT

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "registry.json"
METRIC_NAME = re.compile(r"\bregistry_[a-z0-9_]+")
WANTED_ALERTS = {
    "RegistryServerErrors",
    "RegistrySlowRequests",
    "RegistryDatabaseDown",
    "RegistrySignInFailureBurst",
    "RegistryNoRecentBackup",
}


@pytest.fixture(scope="module")
def exposed(tmp_path_factory) -> set[str]:
    """Every sample name /metrics gives: what a scrape shows (the scrape-time gauges), and
    each declared counter's and histogram's samples (a labelled one shows once counted)."""
    app = make_app(tmp_path_factory.mktemp("monitoring"))
    scraped = names(parsed(app.test_client().get("/metrics").get_data(as_text=True)))
    found = {name for name in scraped if not name.endswith("_created")}  # one process's alone
    for metric in vars(metrics).values():
        if isinstance(metric, Counter):
            found.add(f"{metric._name}_total")
        elif isinstance(metric, Histogram):
            found |= {f"{metric._name}_{suffix}" for suffix in ("bucket", "sum", "count")}
    return found


def _rules() -> list[dict]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    assert set(document) == {"groups"}
    rules = []
    for group in document["groups"]:
        assert set(group) == {"name", "rules"} and group["rules"], group
        rules += group["rules"]
    return rules


def test_the_alert_rules_have_the_shape_prometheus_loads():
    rules = _rules()
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rule["alert"]), rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule
        assert rule["labels"]["severity"] in {"page", "ticket"}, rule
        assert {"summary", "description"} <= set(rule["annotations"]), rule
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["expr"]
    assert len({rule["alert"] for rule in rules}) == len(rules)
    assert {rule["alert"] for rule in rules} >= WANTED_ALERTS


def test_the_alerts_name_only_exposed_metrics(exposed):
    for rule in _rules():
        used = set(METRIC_NAME.findall(rule["expr"]))
        assert used or "up{" in rule["expr"], rule["alert"]
        assert used <= exposed, (rule["alert"], used - exposed)


def test_the_backup_alert_reads_the_gauge_the_scrape_sets():
    (rule,) = [r for r in _rules() if r["alert"] == "RegistryNoRecentBackup"]
    assert metrics.BACKUP_LAST_SUCCESS in rule["expr"] and "26 * 3600" in rule["expr"]


def test_the_dashboard_is_grafana_json_of_exposed_metrics(exposed):
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert {"title", "uid", "panels", "schemaVersion"} <= set(dashboard)
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(set(ids)) == len(ids)
    used = set()
    for panel in dashboard["panels"]:
        assert {"type", "title", "gridPos", "targets"} <= set(panel), panel.get("title")
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            found = set(METRIC_NAME.findall(target["expr"]))
            assert found, (panel["title"], target["expr"])
            assert found <= exposed, (panel["title"], found - exposed)
            used |= found
    # Every family the registry counts is on the dashboard.
    families = {re.sub(r"_(total|bucket|sum|count|info)$", "", name) for name in exposed}
    shown = {re.sub(r"_(total|bucket|sum|count|info)$", "", name) for name in used}
    assert {f for f in families if f.startswith("registry_")} <= shown
