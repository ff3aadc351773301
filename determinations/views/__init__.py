"""Views of the determinations domain: requests (payers and clinicians), review, public list."""
