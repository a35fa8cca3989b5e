# English for staff who prefer it, still day-first with a 24-hour clock as used in Indonesia (not US order).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "l, j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
