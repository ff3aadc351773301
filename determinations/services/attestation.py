"""What an attestation or certification records: who made it, the exact statement they agreed to, and when."""

import datetime


def attestation_record(actor, *, name: str, title: str, text: str, at: datetime.datetime) -> dict:
    """The attestation as it is stored on a request or an All-Payer QP submission (JSON)."""
    return {
        "name": name,
        "title": title,
        "text": text,
        "user_id": actor.pk,
        "user_email": actor.email,
        "attested_at": at.isoformat(),
    }
