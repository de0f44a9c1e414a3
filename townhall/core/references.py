"""Short, human-friendly references that cannot be guessed.

Eight characters of Crockford's base 32 (no I, L, O or U, so nothing is misread on
the phone) give about 10^12 values: a reference alone is never a way into data, and
tracking a request also needs the requester's email address.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def new_reference(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{body[:4]}-{body[4:]}"


def normalise_reference(text: str) -> str:
    """Reads a reference as a person might type or say it: any case, spaces, O for 0."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(compact) < 9:
        return compact
    prefix, body = compact[:-8], compact[-8:].translate(_CONFUSABLE)
    return f"{prefix}-{body[:4]}-{body[4:]}"
