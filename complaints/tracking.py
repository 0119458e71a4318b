"""Tracking codes: what a complainant writes down to follow their case without an account.

Twelve symbols drawn at random from 32 (60 bits: nobody guesses one, even with the rate limit
lifted), without the look-alikes 0/O and 1/I, read case-insensitively, shown in groups of four
so they are easy to read aloud over the phone: K7QW-M3XP-9HRT.
"""

import re
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _position in range(LENGTH))


def grouped(code: str) -> str:
    return "-".join(code[start : start + GROUP] for start in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The stored form of a typed code (full-width, lower case, spaces and dashes allowed), or
    None when it cannot be a code. Callers answer None exactly as a code that is not found."""
    text = unicodedata.normalize("NFKC", typed or "").upper()
    text = re.sub(r"[\s\-_.·—]", "", text)
    return text if _VALID.match(text) else None
