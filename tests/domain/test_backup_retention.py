"""Which dated backups a folder keeps: the newest of each of the last days, ISO weeks and
months that have one (grandfather-father-son), the newest of all always; other files never."""

import datetime as dt

from registry.services.retention import backup_name, moment_of, prune, to_keep

START = dt.datetime(2026, 1, 1, 3, 15, tzinfo=dt.UTC)


def nightly(days: int, *, per_day: int = 1) -> list[str]:
    """A backup each night (and more a day with `per_day`) for `days` days from START."""
    return [
        backup_name(START + dt.timedelta(days=day, hours=hour), "sqlite3")
        for day in range(days)
        for hour in range(per_day)
    ]


def test_names_and_moments():
    name = backup_name(
        dt.datetime(2026, 3, 9, 14, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=8))), "dump"
    )
    assert name == "registry-20260309T060507Z.dump"
    assert moment_of(name) == dt.datetime(2026, 3, 9, 6, 5, 7, tzinfo=dt.UTC)
    for other in (
        "registry-20260309T060507Z.db",
        "registry-2026-03-09.sqlite3",
        "notes.txt",
        ".registry-20260309T060507Z.dump.partial",
        "registry-20261399T000000Z.dump",
    ):
        assert moment_of(other) is None


def test_a_year_of_nightly_backups_keeps_7_days_4_weeks_12_months():
    names = nightly(365)
    kept = sorted(to_keep(names, daily=7, weekly=4, monthly=12))
    moments = [moment_of(name) for name in kept]
    newest = START + dt.timedelta(days=364)
    # the last seven nights
    assert all(newest - dt.timedelta(days=n) in moments for n in range(7))
    # the newest of each of the last four ISO weeks, of each of the last twelve months
    weeks = {m.isocalendar()[:2] for m in moments}
    months = {(m.year, m.month) for m in moments}
    assert len(months) == 12 and len(weeks) >= 4
    assert len(kept) <= 7 + 4 + 12
    for month in months - {(newest.year, newest.month)}:
        in_month = [m for m in map(moment_of, names) if (m.year, m.month) == month]
        assert max(in_month) in moments  # a month's last backup stands for it


def test_several_a_day_keep_the_newest_of_each_day():
    names = nightly(10, per_day=3)
    kept = to_keep(names, daily=3, weekly=0, monthly=0)
    assert sorted(kept) == sorted(names)[-7::3]  # the last of each of the last three days


def test_nothing_asked_keeps_the_newest_still():
    names = nightly(5)
    assert to_keep(names, daily=0, weekly=0, monthly=0) == {max(names)}
    assert to_keep([], daily=7, weekly=4, monthly=12) == set()


def test_prune_removes_only_dated_backups(tmp_path):
    names = nightly(40)
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    others = ["notes.txt", "registry.db", ".registry-20260101T000000Z.dump.partial"]
    for name in others:
        (tmp_path / name).write_text("keep me")
    (tmp_path / "registry-20200101T000000Z.dump").mkdir()  # a folder, however named

    removed = prune(tmp_path, daily=7, weekly=4, monthly=12)

    left = {entry.name for entry in tmp_path.iterdir()}
    assert set(removed) == set(names) - left
    assert set(others) <= left and "registry-20200101T000000Z.dump" in left
    assert left - set(others) - {"registry-20200101T000000Z.dump"} == to_keep(
        names, daily=7, weekly=4, monthly=12
    )
    assert max(names) in left
