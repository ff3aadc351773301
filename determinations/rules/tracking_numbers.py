"""Tracking numbers that say nothing about how many requests there are (decision 0028).

A number reads ``OPA-2027-PI-7K3QX2D``: the first performance year asked for, the process (``PI``
Payer Initiated, ``EC`` Eligible Clinician Initiated, ``AP`` an All-Payer QP data submission), six
random symbols of Crockford's base32
(no I, L, O or U, so nothing is misread) and a check character. The check is Luhn mod 32 over the
year's digits and the random symbols: it catches every single mistyped symbol and every swap of
two neighbours but ``0``/``Z`` (Luhn's one blind spot), and stays inside the same alphabet
(Crockford's own mod-37 check adds ``*~$=``, which do not belong in a file name or an address).
Reading a number forgives case and the look-alike letters, as Crockford's decoding does.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = len(ALPHABET)
RANDOM_LENGTH = 6
# 32^6 (about a billion) numbers per year and process: a draw is taken again when the number
# is already given, and a handful of draws is far more than a real collision ever needs.
ATTEMPTS = 5
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}
_PATTERN = re.compile(rf"^OPA-(\d{{4}})-(PI|EC|AP)-([0-9A-Z]{{{RANDOM_LENGTH + 1}}})$")


def _luhn_sum(symbols: str, *, double_first: bool) -> int:
    """Luhn mod 32 from the right: every other symbol's value doubled, its base-32 digits added."""
    total, double = 0, double_first
    for symbol in reversed(symbols):
        addend = _VALUES[symbol] * (2 if double else 1)
        total += addend // BASE + addend % BASE
        double = not double
    return total


def check_character(symbols: str) -> str:
    return ALPHABET[(BASE - _luhn_sum(symbols, double_first=True) % BASE) % BASE]


def random_symbols() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))


def tracking_number(*, year: int, process_code: str, random_symbols: str) -> str:
    body = f"{year:04d}{random_symbols}"
    return f"OPA-{year:04d}-{process_code}-{random_symbols}{check_character(body)}"


def is_valid(number: str) -> bool:
    """Whether ``number`` is a tracking number of this form with a correct check character."""
    match = _PATTERN.match(number.strip().upper())
    if match is None:
        return False
    year, _, symbols = match.groups()
    if any(symbol not in _VALUES for symbol in symbols):
        return False
    return _luhn_sum(year + symbols, double_first=False) % BASE == 0


def normalized(number: str) -> str:
    """A valid number as it is stored: upper case, look-alike letters read as the digits they stand for."""
    prefix, symbols = number.strip().upper().rsplit("-", 1)
    return f"{prefix}-{''.join(ALPHABET[_VALUES[symbol]] for symbol in symbols)}"
