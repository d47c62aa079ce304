"""Student text made safe to print: control characters escaped visibly, so it cannot forge a line.

Escaped: C0 and C1 controls (newlines, tabs, carriage returns, the ESC of ANSI sequences, NUL), DEL, the
line and paragraph separators, the bidirectional marks, overrides and isolates, and lone surrogates (which
no UTF-8 writer accepts). A backslash is left as it is, so escaping twice changes nothing.
"""
import re
import traceback

_OTHERS = '\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff'
_UNSAFE = re.compile('[\x00-\x1f' + _OTHERS + ']')
_UNSAFE_BUT_LINES = re.compile('[\x00-\x08\x0b-\x1f' + _OTHERS + ']')     # \t and \n kept
_NAMED = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}


def _escape(match):
    c = match.group()
    return _NAMED.get(c) or ('\\x%02x' % ord(c) if ord(c) < 0x100 else '\\u%04x' % ord(c))


def one_line(text, limit=None):
    """str(text) on one line with every unsafe character escaped, cut to `limit` characters."""
    text = _UNSAFE.sub(_escape, str(text))
    if limit is not None and len(text) > limit:
        text = text[:max(0, limit - 3)] + '...'
    return text


def traceback_text(exc):
    """A traceback for the logs: its frames (our code) as Python prints them, the message on one line."""
    return 'Traceback (most recent call last):\n%s%s: %s' % (''.join(traceback.format_tb(exc.__traceback__)),
                                                           type(exc).__name__, one_line(exc, 1000))


def lines(text):
    """Multi-line text (captured output): newlines and tabs kept, every other unsafe character escaped."""
    return _UNSAFE_BUT_LINES.sub(_escape, str(text))
