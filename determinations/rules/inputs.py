"""Reading figures out of plain mappings (JSON, form answers) with errors that name the field.

Decimals are read from strings or numbers (a float goes through ``str`` so ``0.1`` stays ``0.1``);
booleans must be real booleans; a blank value (``None`` or ``""``) means "not given".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

HUNDRED = Decimal(100)
# The largest figure the rules take: what the request form's amounts hold (16 digits, 2 after the
# point). Larger figures are refused with the field's name rather than overflowing ``decimal``'s
# 28-digit context when an amount is rounded to cents.
LARGEST = Decimal("99999999999999.99")


class RuleInputError(ValueError):
    """Bad input for a rule; ``field`` is the dotted name of the offending value."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def is_blank(value: Any) -> bool:
    return value is None or value == ""


def _given(data: Mapping, key: str, name: str, *, required: bool) -> Any:
    """The value under ``key``, or None when it is blank (refused when ``required``)."""
    value = data.get(key)
    if is_blank(value):
        if required:
            raise RuleInputError(name, "is required")
        return None
    return value


def section(data: Mapping, key: str, prefix: str = "") -> Mapping:
    value = data.get(key)
    if is_blank(value):
        return {}
    if not isinstance(value, Mapping):
        raise RuleInputError(f"{prefix}{key}", "must be an object")
    return value


def decimal(
    data: Mapping,
    key: str,
    prefix: str = "",
    *,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
    required: bool = False,
) -> Decimal | None:
    name = f"{prefix}{key}"
    value = _given(data, key, name, required=required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise RuleInputError(name, "must be a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleInputError(name, f"must be a number, not {value!r}") from None
    if not number.is_finite():
        raise RuleInputError(name, "must be a finite number")
    if abs(number) > LARGEST:
        raise RuleInputError(name, f"must be {LARGEST} or less" if number > 0 else f"must be -{LARGEST} or more")
    if minimum is not None and maximum is not None and not minimum <= number <= maximum:
        raise RuleInputError(name, f"must be between {minimum} and {maximum}")
    if minimum is not None and number < minimum:
        raise RuleInputError(name, f"must be {minimum} or more" if minimum else "must not be negative")
    if maximum is not None and number > maximum:
        raise RuleInputError(name, f"must be {maximum} or less")
    return number


def percentage(data: Mapping, key: str, prefix: str = "", *, required: bool = False) -> Decimal | None:
    """A share in percent, 0 to 100."""
    return decimal(data, key, prefix, minimum=Decimal(0), maximum=HUNDRED, required=required)


def integer(data: Mapping, key: str, prefix: str = "", *, required: bool = False) -> int | None:
    name = f"{prefix}{key}"
    value = _given(data, key, name, required=required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise RuleInputError(name, "must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise RuleInputError(name, f"must be a whole number, not {value!r}") from None
    if number < 0:
        raise RuleInputError(name, "must not be negative")
    return number


def boolean(data: Mapping, key: str, prefix: str = "", *, required: bool = False) -> bool | None:
    name = f"{prefix}{key}"
    value = _given(data, key, name, required=required)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise RuleInputError(name, "must be true or false")
    return value


def choice(data: Mapping, key: str, allowed: set[str], prefix: str = "", *, required: bool = False) -> str | None:
    name = f"{prefix}{key}"
    value = _given(data, key, name, required=required)
    if value is None:
        return None
    if not isinstance(value, str) or value not in allowed:
        raise RuleInputError(name, f"must be one of {', '.join(sorted(allowed))}, not {value!r}")
    return value


def text(data: Mapping, key: str, prefix: str = "") -> str:
    value = data.get(key)
    if is_blank(value):
        return ""
    if not isinstance(value, str | int):
        raise RuleInputError(f"{prefix}{key}", "must be text")
    return str(value)


def items(data: Mapping, key: str, prefix: str = "") -> list:
    value = data.get(key)
    if is_blank(value):
        return []
    if not isinstance(value, list | tuple):
        raise RuleInputError(f"{prefix}{key}", "must be a list")
    return list(value)


def objects(data: Mapping, key: str, prefix: str = "") -> Iterator[tuple[int, Mapping, str]]:
    """Each object in the list under ``key``: its index, itself, and the prefix that names its fields."""
    for index, value in enumerate(items(data, key, prefix)):
        where = f"{prefix}{key}[{index}]."
        if not isinstance(value, Mapping):
            raise RuleInputError(where.rstrip("."), "must be an object")
        yield index, value, where


def date(data: Mapping, key: str, prefix: str = "", *, required: bool = False) -> datetime.date | None:
    name = f"{prefix}{key}"
    value = _given(data, key, name, required=required)
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise RuleInputError(name, f"must be a date written YYYY-MM-DD, not {value!r}") from None


def timestamp(data: Mapping, key: str, prefix: str = "", *, required: bool = False) -> datetime.datetime | None:
    """A timezone-aware date and time (ISO 8601 with an offset)."""
    name = f"{prefix}{key}"
    value = _given(data, key, name, required=required)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            raise RuleInputError(name, f"must be a date and time in ISO 8601, not {value!r}") from None
    if moment.tzinfo is None:
        raise RuleInputError(name, "must include a time zone offset")
    return moment
