"""The daily backup's systemd unit and timer say what the operations guide says they do."""

import configparser
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


def test_the_timer_runs_daily_with_a_random_delay_and_catches_up():
    timer = unit("registry-backup.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 02:00:00"
    assert timer["RandomizedDelaySec"] == "30min"  # well inside the 26 h the alert allows
    assert timer["Persistent"] == "true"
    assert unit("registry-backup.timer")["Install"]["WantedBy"] == "timers.target"


def test_the_service_backs_up_into_its_folder_as_the_registry_user():
    service = unit("registry-backup.service")["Service"]
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("/.venv/bin/registry backup /var/backups/registry")
    assert service["User"] == "registry" and service["EnvironmentFile"] == "/etc/registry.env"
    assert "/var/backups/registry" in service["ReadWritePaths"].split()
