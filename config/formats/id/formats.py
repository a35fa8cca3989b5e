# Dates as Indonesian offices write them: "23 Nov 2026 19.14"; the 24-hour clock with a dot.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "l, j F Y, H.i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H.i"
TIME_FORMAT = "H.i"
