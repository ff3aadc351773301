"""The Other Payer Advanced APM rules and the QP thresholds as plain, year-aware Python.

Nothing here imports Django or reads the database: every rule function receives the performance
year's figures as a ``YearParameters`` value and the facts as frozen dataclasses, and returns a
result that says whether the rule is met, why (with the regulation paragraph and the figures
compared) and which inputs were missing. ``docs/rules.md`` documents every input and output.

Modules: ``parameters`` (the year's figures), ``arrangement`` (the facts of an arrangement),
``results`` (outcomes and reasons), one module per rule family (``cehrt``, ``quality``,
``financial_risk``, ``calendar``, ``qp_thresholds``) and ``evaluate`` (all three criteria at once).
"""
