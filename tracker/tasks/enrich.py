"""Celery tasks: thin wrappers that load rows by id and call one service."""
