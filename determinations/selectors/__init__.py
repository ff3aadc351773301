"""Reads of the determinations domain; every list and detail page goes through these."""
