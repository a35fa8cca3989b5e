"""DRF fields shared by the API's serializers."""

from __future__ import annotations

from rest_framework import serializers

from complaints import dates


class DateTimeField(serializers.DateTimeField):
    """A date and time inside the range TRECKK computes with (complaints/dates.py), refused with the portal's message
    otherwise. The range is checked on the parsed value before DRF converts it to the time zone: that conversion
    overflows for year 1 (a 500 for a naive time, "Datetime value out of range" in English for one with an offset),
    and a year-9999 time used to be stored and fail later."""

    def enforce_timezone(self, value):
        if not dates.in_range(value):
            raise serializers.ValidationError(dates.out_of_range_message())
        return super().enforce_timezone(value)
