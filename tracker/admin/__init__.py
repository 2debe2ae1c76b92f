from tracker.admin import collab, domain, feeds, operations, statement_watch

__all__ = ["collab", "domain", "feeds", "operations", "statement_watch"]
