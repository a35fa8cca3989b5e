"""SP4N-LAPOR! connector: pull the reports dispositioned to this unit, push follow-ups and outcomes back; or, without
API access, let the Operator do both by hand in the portal (SP4N_LAPOR_MODE).

adapters.py   the mode: ApiAdapter (pull, outbox) or ManualAdapter (rows for the Operator to post), one interface
client.py     LaporClient, the only code that knows LAPOR's wire format (docs/integrations/sp4n-lapor.md)
mapping.py    LAPOR's vocabulary in our terms (report types, categories, kecamatan, the working-day deadlines)
services.py   the pull (idempotent, resumable, one at a time)
pushes.py     which transition sends what back (through the mode's adapter, written with the transition)
transport.py  the outbox transport that delivers them in the API mode
desk.py       the Operator's work: a LAPOR id on a case, a report entered by hand, a follow-up marked posted
attachments.py  the report's files, downloaded by the worker into the complaint's evidence
"""
