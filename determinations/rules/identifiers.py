"""The identifiers a request names its payer and participants by, and how each is checked.

NPIs carry a Luhn check digit computed over the number prefixed with 80840 (the ISO health-card
issuer prefix, CMS's NPI standard); TINs are nine digits; states are USPS codes; Medicaid service
areas are county FIPS codes (two digits of the state, three of the county); Medicare Advantage
contracts are a letter (H, R, E or S) and four digits.
"""

from __future__ import annotations

import re

NPI_PREFIX = "80840"
TIN_PATTERN = re.compile(r"^\d{9}$")
MA_CONTRACT_PATTERN = re.compile(r"^[HRES]\d{4}$")
COUNTY_FIPS_PATTERN = re.compile(r"^\d{5}$")

# USPS code -> (name, state FIPS code): the states, DC and the territories Medicaid runs in.
STATES = {
    "AL": ("Alabama", "01"), "AK": ("Alaska", "02"), "AZ": ("Arizona", "04"), "AR": ("Arkansas", "05"),
    "CA": ("California", "06"), "CO": ("Colorado", "08"), "CT": ("Connecticut", "09"), "DE": ("Delaware", "10"),
    "DC": ("District of Columbia", "11"), "FL": ("Florida", "12"), "GA": ("Georgia", "13"), "HI": ("Hawaii", "15"),
    "ID": ("Idaho", "16"), "IL": ("Illinois", "17"), "IN": ("Indiana", "18"), "IA": ("Iowa", "19"),
    "KS": ("Kansas", "20"), "KY": ("Kentucky", "21"), "LA": ("Louisiana", "22"), "ME": ("Maine", "23"),
    "MD": ("Maryland", "24"), "MA": ("Massachusetts", "25"), "MI": ("Michigan", "26"), "MN": ("Minnesota", "27"),
    "MS": ("Mississippi", "28"), "MO": ("Missouri", "29"), "MT": ("Montana", "30"), "NE": ("Nebraska", "31"),
    "NV": ("Nevada", "32"), "NH": ("New Hampshire", "33"), "NJ": ("New Jersey", "34"), "NM": ("New Mexico", "35"),
    "NY": ("New York", "36"), "NC": ("North Carolina", "37"), "ND": ("North Dakota", "38"), "OH": ("Ohio", "39"),
    "OK": ("Oklahoma", "40"), "OR": ("Oregon", "41"), "PA": ("Pennsylvania", "42"), "RI": ("Rhode Island", "44"),
    "SC": ("South Carolina", "45"), "SD": ("South Dakota", "46"), "TN": ("Tennessee", "47"), "TX": ("Texas", "48"),
    "UT": ("Utah", "49"), "VT": ("Vermont", "50"), "VA": ("Virginia", "51"), "WA": ("Washington", "53"),
    "WV": ("West Virginia", "54"), "WI": ("Wisconsin", "55"), "WY": ("Wyoming", "56"),
    "AS": ("American Samoa", "60"), "GU": ("Guam", "66"), "MP": ("Northern Mariana Islands", "69"),
    "PR": ("Puerto Rico", "72"), "VI": ("U.S. Virgin Islands", "78"),
}  # fmt: skip


def npi_problem(value: str) -> str | None:
    """Why ``value`` is not an NPI, or ``None`` when it is one."""
    if not re.fullmatch(r"\d{10}", value or ""):
        return f"{value!r} is not an NPI: an NPI is ten digits"
    if not _luhn_valid(NPI_PREFIX + value):
        return f"{value} is not an NPI: its check digit is wrong"
    return None


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        number = int(digit)
        if position % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def tin_problem(value: str) -> str | None:
    if not TIN_PATTERN.match(value or ""):
        return f"{value!r} is not a TIN: a TIN is nine digits, without a dash"
    return None


def ma_contract_problem(value: str) -> str | None:
    if not MA_CONTRACT_PATTERN.match(value or ""):
        return f"{value!r} is not a Medicare Advantage contract number: a letter (H, R, E or S) and four digits"
    return None


def county_fips_problem(value: str, state: str | None = None) -> str | None:
    """Why ``value`` is not a county FIPS code (of ``state``, when given), or ``None``."""
    if not COUNTY_FIPS_PATTERN.match(value or ""):
        return f"{value!r} is not a county FIPS code: five digits, such as 24031"
    known = {fips: code for code, (_, fips) in STATES.items()}
    if value[:2] not in known:
        return f"{value} is not a county FIPS code: no state has the code {value[:2]}"
    if state and STATES.get(state, ("", ""))[1] != value[:2]:
        return f"{value} is a county of {STATES[known[value[:2]]][0]}, not of {STATES[state][0]}"
    return None


def code_list(text: str) -> list[str]:
    """Codes typed separated by commas, spaces or new lines, upper-cased, each once, in order."""
    seen = []
    for code in re.split(r"[\s,;]+", text or ""):
        code = code.strip().upper()
        if code and code not in seen:
            seen.append(code)
    return seen
