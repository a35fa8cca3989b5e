"""Working days in WITA: Monday to Friday, less the days in the holiday calendar (complaints.models.Holiday).

One function for every deadline counted in working days (SP4N-LAPOR!'s follow-up deadline, whether the connector
talks to LAPOR's API or the Operator posts by hand), so a holiday added in the admin moves all of them alike.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from complaints.models import Holiday

# Holidays are read for a window of this many days at a time (one query for any ordinary deadline).
WINDOW_DAYS = 62


def days_off(first: date, last: date) -> set[date]:
    """The calendar's holidays and collective leave days from `first` to `last`, both included."""
    return set(Holiday.objects.filter(date__range=(first, last)).values_list("date", flat=True))


def is_working_day(day: date, holidays: set[date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in (days_off(day, day) if holidays is None else holidays)


def working_day_deadline(start: datetime, days: int) -> datetime:
    """The end (24:00 WITA) of the `days`-th working day after the WITA day of `start`.

    The day of `start` itself never counts (a report dispositioned on Monday at 08:00 has Tuesday as its first day),
    and a start on a weekend or a holiday counts from the next working day. `days` = 0: the end of `start`'s day.
    """
    zone = timezone.get_default_timezone()
    day = timezone.localtime(start, zone).date()
    counted = 0
    read_until = day
    holidays: set[date] = set()
    while counted < days:
        day += timedelta(days=1)
        if day > read_until:
            read_until = day + timedelta(days=WINDOW_DAYS)
            holidays |= days_off(day, read_until)
        if is_working_day(day, holidays):
            counted += 1
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
