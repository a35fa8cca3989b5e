"""SP4N-LAPOR! connector: pull the reports dispositioned to this unit, push follow-ups and outcomes back.

client.py     LaporClient, the only code that knows LAPOR's wire format (docs/integrations/sp4n-lapor.md)
mapping.py    LAPOR's vocabulary in our terms (report types, categories, kecamatan, the follow-up deadline)
services.py   the pull (idempotent, resumable, one at a time)
pushes.py     which transition sends what back (outbox messages, written with the transition)
transport.py  the outbox transport that delivers them
attachments.py  the report's files, downloaded by the worker into the complaint's evidence
"""
