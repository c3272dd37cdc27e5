"""The safe expression language of derived columns, filters and sorts: an own parser, never ``eval``.

Grammar, loosest binding first::

    or, |          and, &          not, ~ (prefix)
    <  <=  >  >=  ==  !=  (a chain such as 0 < x < 1 means 0 < x and x < 1)
    +  -           *  /  %          - + (prefix)          ** (right to left)
    numbers, column names (`FLUX AUTO` in backticks when not an identifier), pi, e, nan, inf,
    f(args) for the functions of FUNCTIONS, ( ... )

``&`` and ``|`` bind like ``and`` and ``or`` (looser than comparisons, unlike Python), so
``g > 1 & r < 2`` means what it reads. Text that is exactly a column's name is that column.
Values are evaluated with numpy on row chunks; numbers as float64, truth values as bool;
invalid operations (log of 0, 0/0) give inf or NaN, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import Table, column_info

MAX_CHARS: Final = 1000
MAX_NODES: Final = 200
#: Parentheses, calls and prefix operators nest at most this deep (the parser recurses on each).
MAX_DEPTH: Final = 50
#: Rows evaluated at a time (bounds the temporaries of a long expression on a long table).
CHUNK_ROWS: Final = 1 << 20

Array = npt.NDArray[Any]

#: Functions by name: (least arguments, most arguments, numpy function).
FUNCTIONS: Final[dict[str, tuple[int, int, Callable[..., Any]]]] = {
    "abs": (1, 1, np.abs),
    "sqrt": (1, 1, np.sqrt),
    "exp": (1, 1, np.exp),
    "log": (1, 1, np.log),
    "log10": (1, 1, np.log10),
    "log2": (1, 1, np.log2),
    "sin": (1, 1, np.sin),
    "cos": (1, 1, np.cos),
    "tan": (1, 1, np.tan),
    "arcsin": (1, 1, np.arcsin),
    "arccos": (1, 1, np.arccos),
    "arctan": (1, 1, np.arctan),
    "arctan2": (2, 2, np.arctan2),
    "hypot": (2, 2, np.hypot),
    "floor": (1, 1, np.floor),
    "ceil": (1, 1, np.ceil),
    "round": (1, 2, lambda x, n=0: np.round(x, _digits(n))),
    "clip": (3, 3, np.clip),
    "where": (3, 3, lambda c, a, b: np.where(_truth(c), a, b)),
    "isnan": (1, 1, np.isnan),
    "isfinite": (1, 1, np.isfinite),
    "min": (2, 2, np.minimum),
    "max": (2, 2, np.maximum),
}


def _digits(n: Any) -> int:
    """round()'s number of decimals: the largest of a column's values, NaN as 0, bounded to what a float has."""
    values = np.nan_to_num(np.asarray(n, dtype=np.float64), nan=0.0, posinf=308.0, neginf=-308.0)
    return int(np.clip(values.max() if values.size else 0.0, -308, 308))


CONSTANTS: Final = {"pi": np.pi, "e": np.e, "nan": np.nan, "inf": np.inf}

_TOKEN: Final = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<quoted>`[^`]*`)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/%<>&|~(),])
    """,
    re.VERBOSE,
)
_COMPARE: Final = ("<", "<=", ">", ">=", "==", "!=")


@dataclass(frozen=True)
class Node:
    """One node of a parsed expression.

    ``op`` is ``num`` (``value``), ``col`` (``name``), ``call`` (``name``, ``args``), a binary
    or comparison operator, ``neg``, ``not``, ``and``, ``or``, or ``cmp`` (a chain:
    ``args`` operands and ``ops`` between them).
    """

    op: str
    args: tuple[Node, ...] = ()
    value: float = 0.0
    name: str = ""
    ops: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text, its tree and the columns it reads."""

    text: str
    root: Node
    columns: frozenset[str]

    @property
    def is_column(self) -> bool:
        """True when the expression is one column, as it is."""
        return self.root.op == "col"


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _fail(text: str, pos: int, what: str) -> ToyzError:
    return ToyzError("bad_expression", f"{what} at character {pos + 1} of {text!r}.")


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos] == "`":
                raise _fail(text, pos, "A backtick is not closed")
            raise _fail(text, pos, f"Unexpected {text[pos]!r}")
        kind = m.lastgroup or ""
        if kind != "space":
            word = m.group()
            if kind == "name" and word in ("and", "or", "not"):
                kind = "op"
            out.append(_Tok(kind, word, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str, columns: Sequence[str]) -> None:
        self.text = text
        self.columns = set(columns)
        self.toks = _tokens(text)
        self.i = 0
        self.nodes = 0
        self.depth = 0
        self.used: set[str] = set()

    def peek(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def node(self, op: str, *args: Node, **kw: Any) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ToyzError("bad_expression", f"The expression is too long: at most {MAX_NODES} terms.")
        return Node(op, tuple(args), **kw)

    def deeper(self, tok: _Tok) -> None:
        """Enter one more level of nesting (the parser's recursion is bounded, never Python's limit)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _fail(self.text, tok.pos, f"The expression nests more than {MAX_DEPTH} deep")

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise _fail(self.text, tok.pos, f"Expected {text!r} but found {tok.text or 'the end'!r}")

    def parse(self) -> Node:
        root = self.or_()
        tok = self.peek()
        if tok.kind != "end":
            raise _fail(self.text, tok.pos, f"Unexpected {tok.text!r}")
        return root

    def or_(self) -> Node:
        self.deeper(self.peek())
        left = self.and_()
        while self.peek().text in ("or", "|"):
            self.take()
            left = self.node("or", left, self.and_())
        self.depth -= 1
        return left

    def and_(self) -> Node:
        left = self.not_()
        while self.peek().text in ("and", "&"):
            self.take()
            left = self.node("and", left, self.not_())
        return left

    def not_(self) -> Node:
        if self.peek().text in ("not", "~"):
            self.deeper(self.take())
            inner = self.not_()
            self.depth -= 1
            return self.node("not", inner)
        return self.compare()

    def compare(self) -> Node:
        first = self.sum_()
        operands, ops = [first], []
        while self.peek().text in _COMPARE:
            ops.append(self.take().text)
            operands.append(self.sum_())
        if not ops:
            return first
        return self.node("cmp", *operands, ops=tuple(ops))

    def sum_(self) -> Node:
        left = self.product()
        while self.peek().text in ("+", "-"):
            op = self.take().text
            left = self.node(op, left, self.product())
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.peek().text in ("*", "/", "%"):
            op = self.take().text
            left = self.node(op, left, self.unary())
        return left

    def unary(self) -> Node:
        if self.peek().text in ("-", "+"):
            tok = self.take()
            self.deeper(tok)
            operand = self.unary()
            self.depth -= 1
            return self.node("neg", operand) if tok.text == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.peek().text == "**":
            self.take()
            return self.node("**", base, self.unary())  # right to left, and 2 ** -1 is allowed
        return base

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            return self.node("num", value=float(tok.text))
        if tok.kind == "quoted":
            name = tok.text[1:-1]
            if name not in self.columns:
                raise _fail(self.text, tok.pos, f"There is no column {name!r}")
            self.used.add(name)
            return self.node("col", name=name)
        if tok.kind == "name":
            if self.peek().text == "(":
                return self.call(tok)
            if tok.text in self.columns:
                self.used.add(tok.text)
                return self.node("col", name=tok.text)
            if tok.text in CONSTANTS:
                return self.node("num", value=float(CONSTANTS[tok.text]))
            raise _fail(self.text, tok.pos, f"There is no column {tok.text!r}")
        if tok.text == "(":
            inner = self.or_()
            self.expect(")")
            return inner
        if tok.kind == "end":
            raise _fail(self.text, tok.pos, "The expression ends too early")
        raise _fail(self.text, tok.pos, f"Unexpected {tok.text!r}")

    def call(self, tok: _Tok) -> Node:
        if tok.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise _fail(self.text, tok.pos, f"There is no function {tok.text!r} (there are {known})")
        self.expect("(")
        args: list[Node] = []
        if self.peek().text != ")":
            args.append(self.or_())
            while self.peek().text == ",":
                self.take()
                args.append(self.or_())
        self.expect(")")
        least, most, _ = FUNCTIONS[tok.text]
        if not least <= len(args) <= most:
            want = str(least) if least == most else f"{least} or {most}"
            raise _fail(self.text, tok.pos, f"{tok.text} takes {want} argument(s), not {len(args)}")
        return self.node("call", *args, name=tok.text)


def parse_expression(text: str, columns: Sequence[str]) -> Expression:
    """Parse an expression over the named columns.

    Parameters
    ----------
    text : str
        The expression (at most :data:`MAX_CHARS` characters and :data:`MAX_NODES` terms).
        Text that is exactly a column's name is that column, backticks or not.
    columns : sequence of str
        The table's column names.

    Raises
    ------
    ToyzError
        ``bad_expression`` with a sentence giving the position of the fault.
    """
    if not isinstance(text, str) or not text.strip():
        raise ToyzError("bad_expression", "The expression is empty.")
    if len(text) > MAX_CHARS:
        raise ToyzError("bad_expression", f"The expression is too long: at most {MAX_CHARS} characters.")
    if text in columns:
        return Expression(text, Node("col", name=text), frozenset([text]))
    parser = _Parser(text, columns)
    root = parser.parse()
    return Expression(text, root, frozenset(parser.used))


def _truth(values: Any) -> Any:
    """Numbers as truth values: non-zero and not NaN."""
    arr = np.asarray(values)
    if arr.dtype.kind == "b":
        return arr
    return (arr != 0) & ~np.isnan(arr)


def _number(values: Any) -> Any:
    arr = np.asarray(values)
    return arr.astype(np.float64) if arr.dtype.kind in "biu" else arr


_BINARY: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "%": np.fmod,
    "**": np.power,
}
_COMPARISONS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def _eval(node: Node, cols: dict[str, Any]) -> Any:
    op = node.op
    if op == "num":
        return node.value
    if op == "col":
        return cols[node.name]
    if op in _BINARY:
        return _BINARY[op](_number(_eval(node.args[0], cols)), _number(_eval(node.args[1], cols)))
    if op == "neg":
        return np.negative(_number(_eval(node.args[0], cols)))
    if op == "not":
        return np.logical_not(_truth(_eval(node.args[0], cols)))
    if op == "and":
        return np.logical_and(_truth(_eval(node.args[0], cols)), _truth(_eval(node.args[1], cols)))
    if op == "or":
        return np.logical_or(_truth(_eval(node.args[0], cols)), _truth(_eval(node.args[1], cols)))
    if op == "cmp":
        values = [_number(_eval(a, cols)) for a in node.args]
        result: Any = True
        for k, cmp in enumerate(node.ops):
            result = np.logical_and(result, _COMPARISONS[cmp](values[k], values[k + 1]))
        return result
    if op == "call":
        fn = FUNCTIONS[node.name][2]
        args = [_eval(a, cols) for a in node.args]
        # where() takes a truth value first; every other argument is a number.
        return fn(*[a if node.name == "where" and k == 0 else _number(a) for k, a in enumerate(args)])
    raise AssertionError(f"unknown node {op}")


def evaluate_numbers(expr: Expression, table: Table) -> Array:
    """As :func:`evaluate`, for what must be numbers (an axis, a range, a filter): text is refused.

    Raises
    ------
    ToyzError
        ``bad_expression`` when the expression is a column of text (or of other values), and as
        :func:`evaluate`.
    """
    values = evaluate(expr, table)
    if values.dtype.kind not in "biuf":
        what = "text" if values.dtype.kind in "USO" else "values that are not numbers"
        raise ToyzError("bad_expression", f"{expr.text} holds {what}; this needs numbers.")
    return values


def _source(table: Table, name: str) -> Array:
    info = column_info(table.columns, name, table.name)
    if info.kind == "string":
        raise ToyzError("bad_expression", f"{name} holds text; expressions compute with numbers.")
    if info.shape != ():
        raise ToyzError("bad_expression", f"{name} holds vectors; expressions compute with one number per row.")
    return table.column(name)


def evaluate(expr: Expression, table: Table) -> Array:
    """The expression's value for every row of ``table``.

    A lone column comes back as the table serves it; anything else as float64 numbers or bool
    truth values, ``table.rows`` long (a constant expression is broadcast).

    Raises
    ------
    ToyzError
        ``bad_expression`` when a column of text or vectors is used in arithmetic;
        ``not_found`` when a column is not in ``table``.
    """
    if expr.is_column:
        return table.column(expr.root.name)
    sources = {name: _source(table, name) for name in expr.columns}
    out: Array | None = None
    with np.errstate(all="ignore"):
        for start in range(0, max(table.rows, 1), CHUNK_ROWS):
            stop = min(table.rows, start + CHUNK_ROWS)
            part = np.asarray(_eval(expr.root, {k: v[start:stop] for k, v in sources.items()}))
            if part.dtype.kind not in "bf":
                part = part.astype(np.float64)
            if out is None:
                out = np.empty(table.rows, dtype=part.dtype)
            out[start:stop] = np.broadcast_to(part, (stop - start,))
    assert out is not None
    return out
