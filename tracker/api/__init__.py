"""The public REST API under /api/v1/: serializers validate and describe, services write, the
selectors in tracker.selectors.incidents read."""
