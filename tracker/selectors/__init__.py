"""Reads that span models, with their select_related/prefetch_related so query counts stay flat."""
