"""Identifiers of clinicians and practices: the NPI check digit and the TIN format."""

from __future__ import annotations

NPI_PREFIX = "80840"  # the card issuer prefix the NPI check digit is computed with (45 CFR 162.406)


def npi_problem(npi: str) -> str | None:
    """Why ``npi`` is not a valid National Provider Identifier, or ``None``: ten digits, Luhn check digit."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return "an NPI is ten digits"
    total = 0
    for position, char in enumerate(reversed(NPI_PREFIX + npi)):
        digit = int(char)
        if position % 2:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    if total % 10:
        return f"NPI {npi} fails its check digit"
    return None


def tin_problem(tin: str) -> str | None:
    if len(tin) != 9 or not tin.isascii() or not tin.isdigit():
        return "a TIN is nine digits, without dashes"
    return None
