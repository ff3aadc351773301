"""Tracking numbers given at submitting: random, never one already given (decision 0028)."""

from collections.abc import Callable

from determinations.rules import tracking_numbers


class TrackingNumberUnavailable(Exception):
    """No unused number was drawn in a handful of tries; the message says what to do."""


def tracking_number_unused(
    *, year: int, process_code: str, model, symbols: Callable[[], str] = tracking_numbers.random_symbols
) -> str:
    """A random tracking number that no row of ``model`` has yet (requests, All-Payer QP submissions).

    Runs inside the submit transaction: a taken number is drawn again. Two submits drawing the same
    new number at the same instant is left to the unique constraint (odds of about one in 10^18).
    """
    for _ in range(tracking_numbers.ATTEMPTS):
        number = tracking_numbers.tracking_number(year=year, process_code=process_code, random_symbols=symbols())
        if not model.objects.filter(tracking_number=number).exists():
            return number
    raise TrackingNumberUnavailable(
        "A tracking number could not be given just now, so nothing was sent. Try submitting again."
    )
