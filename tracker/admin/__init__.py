from tracker.admin import domain, feeds, operations, statement_watch

__all__ = ["domain", "feeds", "operations", "statement_watch"]
