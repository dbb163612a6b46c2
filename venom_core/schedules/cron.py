"""Cron expressions and time zones: checked once when a schedule is saved, then only iterated.

The timetable is croniter's (five fields: minute, hour, day of month, month, day of week, or an
alias such as `@daily`), evaluated in the schedule's IANA time zone, so `0 9 * * 1-5` is nine in
the morning there in winter and in summer. A seconds field is refused: a schedule that fires
every second would be a load generator, not an automation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

ALIASES = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
MAX_PREVIEW = 10


def check_cron(expr: str) -> str:
    """`expr` with its spaces normalised; ValueError with the reason when it is not a timetable."""
    text = " ".join(expr.split())
    if not text:
        raise ValueError("the cron expression is empty; e.g. '0 9 * * 1-5' is 9:00 on weekdays")
    if text.startswith("@"):
        if text.lower() not in ALIASES:
            raise ValueError(f"unknown cron alias '{text}'; use one of {', '.join(ALIASES)}")
        return text.lower()
    fields = text.split(" ")
    if len(fields) != 5:
        raise ValueError(f"a cron expression has 5 fields (minute hour day-of-month month day-of-week); "
                         f"'{text}' has {len(fields)}")
    try:
        croniter(text, datetime(2026, 1, 1, tzinfo=UTC)).get_next(datetime)
    except (CroniterError, ValueError, KeyError) as exc:
        raise ValueError(f"'{text}' is not a valid cron expression: {exc}") from None
    return text


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{name}'; use an IANA name such as 'UTC' or 'Europe/Warsaw'") from None
    return name


def next_times(expr: str, timezone: str, after: datetime, count: int = 1) -> list[datetime]:
    """The next `count` times of the timetable strictly after `after`, in the schedule's zone."""
    it = croniter(expr, after.astimezone(ZoneInfo(timezone)))
    return [it.get_next(datetime) for _ in range(count)]


def next_after(expr: str, timezone: str, after: datetime) -> datetime:
    """The next time strictly after `after`, in UTC."""
    return next_times(expr, timezone, after)[0].astimezone(UTC)


def latest_due(expr: str, timezone: str, due: datetime, now: datetime) -> datetime:
    """The last time of the timetable at or before `now` (and not before `due`, the first one
    missed): the one run that "catch up once" fires after Venom was down."""
    prev = croniter(expr, (now + timedelta(microseconds=1)).astimezone(ZoneInfo(timezone))).get_prev(datetime)
    latest: datetime = prev.astimezone(UTC)
    return max(due, latest)
