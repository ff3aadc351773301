"""The domain: performance years, arrangements and submissions, review, determinations and QP status."""
