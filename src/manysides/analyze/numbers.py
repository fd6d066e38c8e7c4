"""Numbers written in digits or words ("1,200", "twenty-five", "a dozen") and their values.

Shared by the quantity and the date extractors (``parse_number``, and the regular-expression
parts that find a number in text).
"""

from __future__ import annotations

import re

UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALE_WORDS = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mln": 1e6, "bln": 1e9, "m": 1e6, "bn": 1e9, "tn": 1e12,
}
OTHER_WORDS = {"dozen": 12, "half": 0.5, "a dozen": 12, "a hundred": 100, "a thousand": 1000}

WORD_NUM = "|".join(sorted([*UNITS_WORDS, *TENS_WORDS], key=len, reverse=True))
SCALE = r"hundred|thousand|million|billion|trillion|mln|bln|bn|tn"
NUMBER_WORDS = (
    rf"(?:(?:{WORD_NUM})(?:[-\s](?:{WORD_NUM}))?(?:\s+(?:{SCALE}))?|a\s+dozen|dozens?"
    rf"|(?:a|one)\s+(?:hundred|thousand|million|billion))"
)
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def parse_number(token: str) -> float | None:
    """Number written in digits or words ("1,200", "4.5", "twenty-five", "a dozen") -> value."""
    t = token.strip().lower().replace("–", "-")
    if not t:
        return None
    if re.fullmatch(DIGITS, t):
        return float(t.replace(",", ""))
    if t in OTHER_WORDS:
        return float(OTHER_WORDS[t])
    if t in ("dozens", "dozen"):
        return 12.0
    if t in ("a", "an"):
        return 1.0
    total = 0.0
    current = 0.0
    seen = False
    for word in re.split(r"[\s-]+", t):
        if word in ("a", "and"):
            current = current or (1.0 if word == "a" else current)
            continue
        if word in UNITS_WORDS:
            current += UNITS_WORDS[word]
        elif word in TENS_WORDS:
            current += TENS_WORDS[word]
        elif word in SCALE_WORDS:
            current = (current or 1.0) * SCALE_WORDS[word]
            if SCALE_WORDS[word] >= 1e3:
                total += current
                current = 0.0
        else:
            return None
        seen = True
    return total + current if seen else None
