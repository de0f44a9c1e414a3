"""Money is integer pence everywhere; these are the only ways in from text and out to people."""

import re

_AMOUNT = re.compile(r"^£?\s*(\d{1,7})(?:\.(\d{2}))?$")


def format_pence(pence: int) -> str:
    """£4.50, £75 and £1,250 as GOV.UK's style writes them: pence only when there are some."""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}" + (f".{remainder:02d}" if remainder else "")


def parse_pounds(text: str) -> int:
    """Pence from what a person typed ("12.50", "£12", "1,250.00"); ValueError if it is not an amount."""
    match = _AMOUNT.match((text or "").strip().replace(",", ""))
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * 100 + int(match.group(2) or 0)


def decimal_pounds(pence: int) -> str:
    """Pounds with exactly two decimals and no symbol or commas, for files other systems
    read ("-12.50", "1250.00"): worked out from integer pence, never through a float."""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{remainder:02d}"
