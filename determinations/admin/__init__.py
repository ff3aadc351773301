"""Admin site registrations of the determinations domain, one module per concept."""

from . import measure, performance_year, qp, reminder, submission

__all__ = ["measure", "performance_year", "qp", "reminder", "submission"]
