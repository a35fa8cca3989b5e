"""Shared infrastructure used by several faces (DESIGN.md section 5): problem responses, rate and request limits,
private-file and thumbnail responses, shared form fields, the append-only base and the read-only admin.

Part of the core: every face may import it, and it imports no face.
"""
