"""Models of the determinations domain, one module per concept."""
