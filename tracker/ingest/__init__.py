"""Bringing reports in: safe fetching, feed and OPML parsing, text normalisation, near-duplicate
fingerprints and article extraction. Pure functions over bytes and strings: nothing here writes to
the database (tracker.services.ingest and tracker.services.feeds do)."""
