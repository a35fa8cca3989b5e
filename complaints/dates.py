"""Dates and times that come from outside (query strings, forms, API bodies), held to a range TRECKK can compute with.

The calendar has 0001-01-01 and 9999-12-31, but what is done with a date does not: midnight WITA on 0001-01-01 is
eight hours before the first UTC moment Python knows, the day after 9999-12-31 does not exist, and a week or a
month around either end runs off the calendar. Python answers with OverflowError, which was a 500 on the dashboard,
the hotspot map, the duty log and roster, the reports, the register and the API. Every date a request brings is
checked here against one range, far from both ends and wide enough for any real case, and refused with a message
(400, or the form again) when it is outside.

Forms, filters and serializers use the fields below; code that parses a date by hand calls parse_date or
validate_in_range.
"""

from __future__ import annotations

from datetime import date, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
OUT_OF_RANGE = _("Tanggal harus antara %(earliest)s dan %(latest)s.")


def in_range(value: date | datetime) -> bool:
    """Whether the date (for a date and time: its own wall-clock date, in whatever offset it came with) is usable."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def out_of_range() -> ValidationError:
    params = {"earliest": f"{EARLIEST:%d-%m-%Y}", "latest": f"{LATEST:%d-%m-%Y}"}
    return ValidationError(OUT_OF_RANGE, params=params)


def out_of_range_message() -> str:
    """The refusal as text, in the active language (for code that answers without a form)."""
    return str(next(iter(out_of_range())))


def validate_in_range(value: date | datetime | None) -> None:
    if value is not None and not in_range(value):
        raise out_of_range()


def parse_date(raw: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) inside the range, or None for anything else."""
    try:
        value = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return value if in_range(value) else None


class DateField(forms.DateField):
    """forms.DateField that refuses dates outside the range."""

    default_validators = [validate_in_range]


class DateTimeField(forms.DateTimeField):
    """forms.DateTimeField that refuses moments outside the range."""

    default_validators = [validate_in_range]


class DateFilter(django_filters.DateFilter):
    """django-filter's DateFilter on the bounded field, for the API's and the portal's list filters."""

    field_class = DateField
