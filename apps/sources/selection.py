"""The selection state as pydantic models: which rows of a source are selected, described, not listed.

One shape for every edge that carries a selection: the REST bodies (``/api/sources/mask``, ``locate``,
``export``), the workspace socket's ``selection`` message and the saved ``SourceSpec``. These models check
the shape only (kinds, finite numbers, sizes, nesting); whether the columns and expressions exist is the
core's business (`workers.sources.parse_selection`, with the table's columns at hand).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    Strict,
    StringConstraints,
    model_validator,
)

from apps.shapes import Number, shape_sentence, whole_number

MAX_EXPRESSION = 1000
MAX_LASSO_POINTS = 2000
MAX_ROWS = 100_000
MAX_SELECTION_DEPTH = 16
MAX_SELECTION_NODES = 200  # as the core (workers.sources.selection)
MAX_ROW_NUMBER = 2**53 - 1  # the largest integer a JavaScript number holds exactly

_Finite = Number
#: A column name or an expression (the core tells which).
ColumnOrExpression = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=MAX_EXPRESSION)]
Scale = Literal["linear", "log"]
_Row = Annotated[int, Field(ge=0, le=MAX_ROW_NUMBER), BeforeValidator(whole_number)]
_Point = tuple[_Finite, _Finite]


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    # Filled in after validation: how deep and how large the state is, for the bounds below.
    _depth: int = PrivateAttr(default=1)
    _nodes: int = PrivateAttr(default=1)


class BoxSelection(_State):
    """The rows inside a rectangle of a plot: x0..x1 on `x`, y0..y1 on `y`, in the axes' space
    (with a log scale the bounds are log10 of the data)."""

    kind: Literal["box"]
    x: ColumnOrExpression
    y: ColumnOrExpression
    x0: _Finite
    x1: _Finite
    y0: _Finite
    y1: _Finite
    xscale: Scale = "linear"
    yscale: Scale = "linear"


class LassoSelection(_State):
    """The rows inside a polygon drawn on a plot of `y` against `x`, its vertices in the axes' space."""

    kind: Literal["lasso"]
    x: ColumnOrExpression
    y: ColumnOrExpression
    points: list[_Point] = Field(min_length=3, max_length=MAX_LASSO_POINTS)
    xscale: Scale = "linear"
    yscale: Scale = "linear"


class RangeSelection(_State):
    """The rows whose `column` lies in [lo, hi]; a missing bound is open."""

    kind: Literal["range"]
    column: ColumnOrExpression
    lo: _Finite | None = None
    hi: _Finite | None = None


class RowsSelection(_State):
    """An explicit set of rows: 0-based row numbers in file order."""

    kind: Literal["rows"]
    rows: list[_Row] = Field(max_length=MAX_ROWS)


class ExprSelection(_State):
    """The rows for which a boolean expression holds (``g - r > 1``)."""

    kind: Literal["expr"]
    expr: ColumnOrExpression


def _measure(state: _State, children: list[SelectionState]) -> _State:
    state._depth = 1 + max(child.root._depth for child in children)
    state._nodes = 1 + sum(child.root._nodes for child in children)
    if state._depth > MAX_SELECTION_DEPTH:
        raise ValueError(f"a selection may nest at most {MAX_SELECTION_DEPTH} levels")
    if state._nodes > MAX_SELECTION_NODES:
        raise ValueError(f"a selection may combine at most {MAX_SELECTION_NODES} parts")
    return state


class CombinedSelection(_State):
    """The rows in all (``and``) or any (``or``) of the states in `of`."""

    kind: Literal["and", "or"]
    of: list[SelectionState] = Field(min_length=1, max_length=MAX_SELECTION_NODES)

    @model_validator(mode="after")
    def _bounded(self) -> CombinedSelection:
        _measure(self, self.of)
        return self


class NotSelection(_State):
    """The rows not in the one state of `of`."""

    kind: Literal["not"]
    of: list[SelectionState] = Field(min_length=1, max_length=1)

    @model_validator(mode="after")
    def _bounded(self) -> NotSelection:
        _measure(self, self.of)
        return self


_AnySelection = Annotated[
    Union[  # noqa: UP007  (a recursive union needs the forward references that only Union takes)
        BoxSelection,
        LassoSelection,
        RangeSelection,
        RowsSelection,
        ExprSelection,
        CombinedSelection,
        NotSelection,
    ],
    Field(discriminator="kind"),
]


class SelectionState(RootModel[_AnySelection]):
    """Which rows of a source are selected: a box, lasso, range, row set or expression, or and / or / not
    of such states."""

    # An example for clients and for the security suites, which send it where a selection is required.
    model_config = ConfigDict(frozen=True, json_schema_extra={"examples": [{"kind": "rows", "rows": [0]}]})

    def as_json(self) -> dict[str, Any]:
        """The state as the core's `parse_selection` and the socket take it (defaults filled in)."""
        dumped: dict[str, Any] = self.model_dump(mode="json")
        return dumped


CombinedSelection.model_rebuild()
NotSelection.model_rebuild()
SelectionState.model_rebuild()


_TAGS = frozenset({"box", "lasso", "range", "rows", "expr", "and", "or", "not"})
#: The fields that hold a selection state in the models that carry one.
_HOLDERS = frozenset({"state", "current", "selection"})


def _location(loc: tuple[int | str, ...]) -> str:
    """Where an error is, as the client wrote it: pydantic also names the union's tag (``of.0.box.x0``)."""
    parts: list[str] = []
    for i, part in enumerate(loc):
        previous = loc[i - 1] if i else None
        is_tag = part in _TAGS and (previous is None or isinstance(previous, int) or previous in _HOLDERS)
        if not is_tag and part != "root":
            parts.append(str(part))
    return ".".join(parts)[:120]


def selection_sentence(error: Any, what: str = "selection") -> str:
    """One pydantic error of a selection state as a sentence naming where it is (``of.0.x0``)."""
    where = _location(tuple(error["loc"])) or what
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"{where}: kind must be one of box, lasso, range, rows, expr, and, or, not."
    if kind == "missing":
        return f"{where} is missing."
    if kind == "extra_forbidden":
        return f"{where} is not part of a selection state."
    if (shared := shape_sentence(where, error)) is not None:
        return shared
    if kind == "too_short":
        return f"{where} must hold at least {ctx.get('min_length')} items."
    if kind == "too_long":
        return f"{where} may hold at most {ctx.get('max_length')} items."
    if kind == "string_too_long":
        return f"{where} may be at most {ctx.get('max_length')} characters."
    if kind == "string_too_short":
        return f"{where} must not be empty."
    if kind == "value_error":
        return f"{where}: {ctx.get('error', 'is not valid')}."
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{where} must be an object."
    if kind == "list_type":
        return f"{where} must be a list."
    if kind == "string_type":
        return f"{where} must be a string."
    if kind == "literal_error":
        return f"{where} must be one of {ctx.get('expected')}."
    return f"{where}: {error['msg']}."
