"""gunicorn's access log with URL secrets redacted (config/redaction.py).

gunicorn writes no access log unless told to (`--access-logfile`); a deployment that switches it on runs
`gunicorn --logger-class config.gunicorn_logging.RedactingLogger ...`, so an Open311 client's `?api_key=` never
reaches the file through the request line (`%(r)s`), the query (`%(q)s`), the referrer or the environ atoms.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from config.redaction import redact_value


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        return {name: redact_value(value) for name, value in super().atoms(resp, req, environ, request_time).items()}
