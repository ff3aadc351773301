"""Writes of the determinations domain: keyword-only functions named <entity>_<verb>."""
