from tracker.admin import domain, feeds

__all__ = ["domain", "feeds"]
