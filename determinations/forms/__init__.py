"""Forms of the determinations domain: the request form's sections, start, documents and measures."""
