"""Enrichment: from a source's text to proposed statements, claims, incidents and counterclaims.

One module per step (parties → statements → claims → incidents → counterclaims), run in order by
`pipeline.enrich_document`. Every step is rule-based and works on plain data, so the same code runs
inside a Celery task (parties from the database) and in `manage.py enrich_text` (no storage)."""
