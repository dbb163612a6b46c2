"""Cron expressions and time zones: what a schedule accepts, and when it runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from venom_core.schedules.cron import check_cron, check_timezone, latest_due, next_after, next_times


@pytest.mark.parametrize(("expr", "kept"), [("*/5 * * * *", "*/5 * * * *"), ("0 9 * * 1-5", "0 9 * * 1-5"),
                                           ("@Daily", "@daily"), (" 0  9 * * * ", "0 9 * * *")])
def test_valid_timetables(expr: str, kept: str) -> None:
    assert check_cron(expr) == kept


@pytest.mark.parametrize(("expr", "says"), [
    ("61 * * * *", "not a valid cron expression"),
    ("* * * *", "has 4"),
    ("* * * * * *", "has 6"),  # a seconds field: refused
    ("@reboot", "unknown cron alias"),
    ("", "empty"),
    ("a b c d e", "not a valid cron expression"),
])
def test_invalid_timetables_say_why(expr: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        check_cron(expr)


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../../etc/passwd", "UTC+5"])
def test_unknown_time_zones_are_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        check_timezone(zone)


def test_local_time_holds_across_daylight_saving() -> None:
    """9:00 in Warsaw is 08:00 UTC in winter and 07:00 UTC in summer."""
    winter = next_after("0 9 * * *", "Europe/Warsaw", datetime(2026, 12, 2, 12, tzinfo=UTC))
    summer = next_after("0 9 * * *", "Europe/Warsaw", datetime(2026, 7, 2, 12, tzinfo=UTC))
    assert (winter.hour, summer.hour) == (8, 7)
    weekdays = next_times("0 9 * * 1-5", "Europe/Warsaw", datetime(2026, 12, 4, 12, tzinfo=UTC), 2)  # a Friday
    assert [t.weekday() for t in weekdays] == [0, 1]  # Monday, Tuesday


def test_latest_due_is_the_newest_missed_time() -> None:
    due = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert latest_due("* * * * *", "UTC", due, datetime(2026, 12, 2, 10, 7, 30, tzinfo=UTC)) == \
        datetime(2026, 12, 2, 10, 7, tzinfo=UTC)
    assert latest_due("0 * * * *", "UTC", due, datetime(2026, 12, 2, 10, 30, tzinfo=UTC)) == due
