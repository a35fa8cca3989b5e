"""Open311 GeoReport v2 (JSON) for civic reporting apps: services are our categories, requests become complaints.

docs/integrations/open311.md describes the endpoints, the mapping and what a request reveals.
"""
