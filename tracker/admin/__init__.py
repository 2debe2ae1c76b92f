from tracker.admin import domain, feeds, operations

__all__ = ["domain", "feeds", "operations"]
