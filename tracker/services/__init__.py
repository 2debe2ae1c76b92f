"""Writes. Every change to the domain goes through a function here: views, API, admin actions,
management commands and tasks call these and hold no business logic themselves."""
