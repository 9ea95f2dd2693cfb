"""Make text from deal files harmless on a terminal, in a CI log and in a spreadsheet.

A deal file is someone else's text. Its names and notes must not move the
cursor, recolour a log, reverse the reading order of a line, or run as a
formula when a CSV is opened in a spreadsheet.
"""

from __future__ import annotations

#: Characters that start a formula in spreadsheet programs (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(text: str) -> str:
    """Replace control and format characters (ANSI escapes, bidi overrides) by visible escapes.

    Newlines become ``\\x0a`` too: every caller prints one logical line.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def spreadsheet_cell(text: str) -> str:
    """Neutralise a text cell against formula injection: prefix a quote, as OWASP advises."""
    text = safe(text)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
