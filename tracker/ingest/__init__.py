"""Bringing reports in: safe fetching, feed and OPML parsing, entries to what a Source keeps,
near-duplicate fingerprints and article pages (the text itself: tracker.text). Pure functions
over bytes and strings: nothing here writes to the database (tracker.services.intake and
tracker.services.feeds do)."""
