"""The header search language of the file browser: ``FILTER=r* EXPTIME>60 DATE-OBS:2026-11-23 OBJECT~"NGC 1"``.

A query is terms separated by spaces, all of which must hold (AND):

- ``KEY=value``: equal; ``*`` and ``?`` are wildcards; strings compare without regard to case, and
  numbers as numbers (``EXPTIME=60`` matches ``60.0``);
- ``KEY!=value``: not equal (a file without the keyword matches);
- ``KEY>v``, ``KEY<v``, ``KEY>=v``, ``KEY<=v``: numbers, or ISO dates and times;
- ``KEY:text``: the value starts with ``text`` (``DATE-OBS:2026-11-23``: that date);
- ``KEY~text``: the value contains ``text``;
- a word without an operator: the file's name contains it (or matches it, with wildcards).

Values with spaces go in double quotes (``OBJECT="NGC 1"``; ``\\"`` inside one). Keywords are FITS
keywords in any case (``date-obs`` is ``DATE-OBS``). A file without the keyword matches no term on
it except ``!=``. Errors are ``ToyzError("bad_query", ...)`` naming the character where they are.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Final, Literal

from workers.errors import ToyzError

from .fields import number, parse_datetime
from .reading import Value

#: The longest query taken (characters).
MAX_QUERY_CHARS: Final = 1000
#: The most terms in one query.
MAX_TERMS: Final = 50

Operator = Literal["=", "!=", ">", "<", ">=", "<=", ":", "~", "name"]
# Longest first, so that ">=" is not read as ">" followed by a value "=...".
_OPERATORS: Final[tuple[Operator, ...]] = (">=", "<=", "!=", "=", ">", "<", ":", "~")
_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_ORDERING: Final = frozenset({">", "<", ">=", "<="})


@dataclass(frozen=True)
class Term:
    """One term of a query: ``key`` (upper case; None for a file-name word), its operator and value.

    ``position`` is the 1-based character where the term starts. ``amount`` and ``moment`` are the
    value read as a number and as a UTC date-time, when it is one.
    """

    key: str | None
    op: Operator
    value: str
    position: int
    amount: float | None
    moment: datetime | None

    @property
    def wildcard(self) -> bool:
        return "*" in self.value or "?" in self.value


@dataclass(frozen=True)
class Query:
    """A parsed query: its terms, all of which must hold (an empty query matches every file)."""

    text: str
    terms: tuple[Term, ...]


def _bad(position: int, sentence: str) -> ToyzError:
    return ToyzError("bad_query", f"At character {position} of the search: {sentence}")


def _read_value(text: str, at: int) -> tuple[str, int, bool]:
    """The value starting at ``at`` (quoted or bare), the index after it, and whether it was quoted."""
    if at < len(text) and text[at] == '"':
        out: list[str] = []
        i = at + 1
        while i < len(text):
            char = text[i]
            if char == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
                out.append(text[i + 1])
                i += 2
                continue
            if char == '"':
                return "".join(out), i + 1, True
            out.append(char)
            i += 1
        raise _bad(at + 1, 'this quote is never closed; end the value with ".')
    end = at
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[at:end], end, False


def _term(key: str | None, op: Operator, value: str, position: int) -> Term:
    amount = None
    if key is not None and op != "name":
        amount = number(value)
    moment = parse_datetime(value) if amount is None and op in _ORDERING else None
    if op in _ORDERING and amount is None and moment is None:
        raise _bad(position, f"{key}{op} compares numbers or dates, and {value!r} is neither.")
    return Term(key=key, op=op, value=value, position=position, amount=amount, moment=moment)


def parse_query(text: str) -> Query:
    """Parse a header search (see the module's description of the language).

    Raises
    ------
    ToyzError
        ``bad_query`` with a sentence naming the character (1-based) where the query goes wrong.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise ToyzError("bad_query", f"A search is at most {MAX_QUERY_CHARS} characters long.")
    terms: list[Term] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        start = i
        key_match = _KEY.match(text, i)
        op = None
        if key_match:
            after = key_match.end()
            op = next((o for o in _OPERATORS if text.startswith(o, after)), None)
        if key_match and op is not None:
            value_at = key_match.end() + len(op)
            value, i, quoted = _read_value(text, value_at)
            if not value and not quoted:
                raise _bad(start + 1, f"{key_match.group()}{op} needs a value after {op!r}.")
            terms.append(_term(key_match.group().upper(), op, value, start + 1))
        elif text[i] in "=!<>:~":
            raise _bad(start + 1, f"{text[i]!r} needs a keyword before it, as in EXPTIME>60.")
        else:
            value, i, _ = _read_value(text, i)
            if value:
                terms.append(_term(None, "name", value, start + 1))
        if len(terms) > MAX_TERMS:
            raise _bad(start + 1, f"a search has at most {MAX_TERMS} terms.")
    return Query(text=text, terms=tuple(terms))


def shown(value: Value) -> str:
    """A header value as the search compares it as text (booleans as FITS writes them: T, F)."""
    if isinstance(value, bool):
        return "T" if value else "F"
    return str(value)


def _equal(term: Term, value: Value) -> bool:
    if term.wildcard:
        return fnmatchcase(shown(value).casefold(), term.value.casefold())
    if isinstance(value, bool):
        return term.value.strip().upper() in (("T", "TRUE", "1") if value else ("F", "FALSE", "0"))
    found = number(value)
    if term.amount is not None and found is not None:
        return math.isclose(found, term.amount, rel_tol=1e-9, abs_tol=0.0)
    return shown(value).strip().casefold() == term.value.strip().casefold()


def _ordered(term: Term, value: Value) -> bool:
    left: float | datetime | None
    right: float | datetime | None
    if term.amount is not None:
        left, right = number(value), term.amount
    else:
        left = parse_datetime(value) if isinstance(value, str) else None
        right = term.moment
    if left is None or right is None:
        return False
    if term.op == ">":
        return left > right  # type: ignore[operator]
    if term.op == "<":
        return left < right  # type: ignore[operator]
    if term.op == ">=":
        return left >= right  # type: ignore[operator]
    return left <= right  # type: ignore[operator]


def term_holds(term: Term, name: str, keywords: dict[str, Value]) -> bool:
    """Whether one term holds for a file called ``name`` with these kept keywords."""
    if term.op == "name":
        if term.wildcard:
            return fnmatchcase(name.casefold(), term.value.casefold())
        return term.value.casefold() in name.casefold()
    assert term.key is not None
    value = keywords.get(term.key)
    if term.op == "!=":
        return value is None or not _equal(term, value)
    if value is None:
        return False
    if term.op == "=":
        return _equal(term, value)
    if term.op == ":":
        return shown(value).strip().casefold().startswith(term.value.casefold())
    if term.op == "~":
        if term.wildcard:
            return fnmatchcase(shown(value).casefold(), f"*{term.value.casefold()}*")
        return term.value.casefold() in shown(value).casefold()
    return _ordered(term, value)


def matches(query: Query, name: str, keywords: dict[str, Value]) -> bool:
    """Whether every term of ``query`` holds for a file called ``name`` with these keywords."""
    return all(term_holds(term, name, keywords) for term in query.terms)
