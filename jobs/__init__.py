"""Batch work as Job rows: items in chunks across workers, progress, cancel, resume, results."""
