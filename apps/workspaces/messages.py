"""Every message of the workspace socket as a pydantic model, and their JSON Schema.

Client → server: `JobRequest`, `CancelRequest`, `ViewMessage`, `SelectionMessage`, `LayoutMessage`,
`SourcesMessage`, `PresenceMessage` (discriminated by ``type``). Server → client: a job's `Progress`, `OkResult` / `ErrorResult`, an
`ErrorMessage`, and events (``type: "event"``, discriminated by ``event``): the ones below and every
kind registered with `apps.events.event_kind` (such as imaging's ``prerender.ready``).
`socket_schema()` is what the front end's TypeScript types are generated from.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import models_json_schema

from apps import events
from apps.jobs.services import ErrorMessage, ErrorResult, OkResult, Progress, specs
from apps.sources.services import MAX_EXPRESSION, SelectionState, selection_sentence
from workers.errors import ToyzError

MAX_CLIENT_ID = 2**53 - 1  # the largest integer a JavaScript number holds exactly
MAX_TILES = 200
MAX_STATE_BYTES = 64 * 1024
MAX_EVENT_BYTES = 256 * 1024

ClientId = Annotated[int, Strict(), Field(ge=0, le=MAX_CLIENT_ID)]
_Name = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=64)]
_Position = Annotated[int, Strict(), Field(ge=0, le=10_000)]


# --- the layout -------------------------------------------------------------------------------------


class Tile(BaseModel):
    """A panel of the workspace: its id, kind, place on the grid and a small state of its own."""

    model_config = ConfigDict(extra="ignore")

    id: _Name
    kind: _Name
    x: _Position
    y: _Position
    w: _Position
    h: _Position
    state: dict[str, Any] = Field(default_factory=dict, description="Under 64 KB of JSON.")

    @field_validator("state")
    @classmethod
    def _small(cls, state: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(state)) > MAX_STATE_BYTES:
            raise ValueError("a tile's state must be under 64 KB")
        return state


Layout = Annotated[list[Tile], Field(max_length=MAX_TILES)]
_layout = TypeAdapter(Layout)
#: A layout in the socket's schema: `Tile` is one of its ``$defs`` (socket_schema lists it).
_LAYOUT_SCHEMA = WithJsonSchema({"type": "array", "maxItems": MAX_TILES, "items": {"$ref": "#/$defs/Tile"}})

# The sentences a client gets for a bad layout, by the field at fault.
_LAYOUT_ERRORS = {
    "id": "Each tile needs a string id.",
    "kind": "Each tile needs a kind.",
    "x": "Tile positions x, y, w, h must be whole numbers.",
    "y": "Tile positions x, y, w, h must be whole numbers.",
    "w": "Tile positions x, y, w, h must be whole numbers.",
    "h": "Tile positions x, y, w, h must be whole numbers.",
    "state": "A tile's state must be an object under 64 KB.",
}


def clean_layout(tiles: Any) -> list[dict[str, Any]]:
    """The layout as stored: a list of tiles with ids, kinds, grid positions and a small state.

    Raises ToyzError ``bad_message`` with a sentence about the first fault.
    """
    if not isinstance(tiles, list) or len(tiles) > MAX_TILES:
        raise ToyzError("bad_message", f"tiles must be a list of at most {MAX_TILES} tiles.")
    try:
        cleaned = _layout.validate_python(tiles)
    except ValidationError as exc:
        loc = exc.errors(include_url=False)[0]["loc"]
        field = str(loc[1]) if len(loc) > 1 else ""
        raise ToyzError("bad_message", _LAYOUT_ERRORS.get(field, "Each tile must be an object.")) from None
    stored = [tile.model_dump() for tile in cleaned]
    if not _storable(stored):
        raise ToyzError("bad_message", "A layout cannot hold a NUL character or a lone surrogate; remove it.")
    return stored


def _storable(value: Any) -> bool:
    """Whether the database's JSON can hold `value`: PostgreSQL's jsonb refuses a NUL and a lone surrogate."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return False
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


# --- the data sources ---------------------------------------------------------------------------------

MAX_SOURCES = 50
MAX_NAMED_SELECTIONS = 100
MAX_DERIVED = 100
MAX_SOURCES_BYTES = 64 * 1024
#: A selection event may carry a whole row set (100,000 row numbers); the message's 1 MB bounds it.
MAX_SELECTION_BYTES = 1024 * 1024

_Text = Annotated[str, Strict(), StringConstraints(max_length=200)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DerivedColumn(_Spec):
    """A column computed from an expression on the source's columns (``g - r``)."""

    name: _Name
    expr: Annotated[str, Strict(), StringConstraints(min_length=1, max_length=MAX_EXPRESSION)]


class NamedSelection(_Spec):
    """A selection saved under a name, to be counted, combined, inverted or exported later."""

    name: Annotated[str, Strict(), StringConstraints(min_length=1, max_length=200)]
    state: SelectionState


class SourceSpec(_Spec):
    """A data source of the workspace: one table of a file (`path`, `table`), or a folder's header index
    (`kind` ``headers``). The path is checked whenever the source is read, not when it is saved."""

    id: _Name
    kind: Literal["file", "headers"] = "file"
    path: Annotated[str, Strict(), StringConstraints(max_length=4096)]
    table: Annotated[int, Strict(), Field(ge=0, le=10_000)] = 0
    name: _Text = ""
    derived: list[DerivedColumn] = Field(default_factory=list, max_length=MAX_DERIVED)
    selections: list[NamedSelection] = Field(default_factory=list, max_length=MAX_NAMED_SELECTIONS)
    current: SelectionState | None = Field(default=None, description="The live selection, or null.")


_sources = TypeAdapter(Annotated[list[SourceSpec], Field(max_length=MAX_SOURCES)])
#: The sources in the socket's schema: `SourceSpec` is one of its ``$defs`` (socket_schema lists it).
_SOURCES_SCHEMA = WithJsonSchema({"type": "array", "maxItems": MAX_SOURCES, "items": {"$ref": "#/$defs/SourceSpec"}})


def _spec_sentence(error: Any) -> str:
    loc = list(error["loc"])
    if not loc:
        return f"sources must be a list of at most {MAX_SOURCES} sources."
    # Inside a selection state the state's own sentences say where; elsewhere name the source's field.
    if "state" in loc or "current" in loc:
        return "A selection of the sources: " + selection_sentence({**error, "loc": tuple(loc)})
    field = ".".join(str(part) for part in loc)
    kind = error["type"]
    if kind == "missing":
        return f"sources.{field} is missing."
    if kind == "extra_forbidden":
        return f"sources.{field} is not part of a source."
    if kind == "too_long":
        return f"sources.{field} may hold at most {(error.get('ctx') or {}).get('max_length')} items."
    return f"sources.{field}: {error['msg']}."


def clean_sources(sources: Any) -> list[dict[str, Any]]:
    """The workspace's sources as stored: at most 50, unique ids, under 64 KB of JSON in all.

    Raises ToyzError ``bad_message`` with a sentence about the first fault.
    """
    if not isinstance(sources, list):
        raise ToyzError("bad_message", f"sources must be a list of at most {MAX_SOURCES} sources.")
    try:
        cleaned = _sources.validate_python(sources)
    except ValidationError as exc:
        raise ToyzError("bad_message", _spec_sentence(exc.errors(include_url=False)[0])) from None
    ids = [spec.id for spec in cleaned]
    if len(set(ids)) != len(ids):
        raise ToyzError("bad_message", "Each source needs an id of its own.")
    stored = [spec.model_dump(mode="json") for spec in cleaned]
    if len(json.dumps(stored)) > MAX_SOURCES_BYTES:
        raise ToyzError(
            "bad_message",
            "The sources and their selections must be under 64 KB; save fewer or smaller selections "
            "(a long list of rows is better exported).",
        )
    if not _storable(stored):
        raise ToyzError("bad_message", "A source cannot hold a NUL character or a lone surrogate; remove it.")
    return stored


# --- client → server --------------------------------------------------------------------------------


class _ClientMessage(BaseModel):
    model_config = ConfigDict(frozen=True)


class JobRequest(_ClientMessage):
    """Run the job function `fn` with `params`; `id` names the job in its progress and result."""

    type: Literal["job"]
    id: ClientId
    # Checked by the job registry (unknown_function, bad_params), which answers with a result.
    fn: Annotated[Any, WithJsonSchema({"type": "string"})] = None
    params: Annotated[Any, WithJsonSchema({"type": "object"})] = None


class CancelRequest(_ClientMessage):
    """Cancel the job `id` of this socket."""

    type: Literal["cancel"]
    id: ClientId


class _Relayed(_ClientMessage):
    # A relayed event's content is the client's own: any JSON object of bounded size.
    model_config = ConfigDict(frozen=True, extra="allow")

    def content(self) -> dict[str, Any]:
        """What is relayed to the other clients: every key but our own."""
        payload = {k: v for k, v in (self.model_extra or {}).items() if k not in ("type", "event", "from")}
        if len(json.dumps(payload)) > MAX_EVENT_BYTES:
            raise ToyzError("bad_message", "That event is too large.")
        return payload


class ViewMessage(_Relayed):
    """A viewer's view changed (centre, resolution...): relayed to the workspace's other clients."""

    type: Literal["view"]


class SelectionMessage(_ClientMessage):
    """The live selection of a source changed: relayed to the workspace's other clients.

    `state` null clears it; `origin` names the tile where it was made (that tile draws it already).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["selection"]
    source: _Name = Field(description="The id of the source (a SourceSpec of the workspace).")
    state: SelectionState | None = Field(description="The selection, or null for none.")
    origin: Annotated[str, Strict(), StringConstraints(max_length=64)] = Field(
        default="", description="The tile where the selection was made."
    )

    def content(self) -> dict[str, Any]:
        """What is relayed to the other clients."""
        payload = {
            "source": self.source,
            "state": None if self.state is None else self.state.as_json(),
            "origin": self.origin,
        }
        if len(json.dumps(payload)) > MAX_SELECTION_BYTES:
            raise ToyzError("bad_message", "That selection is too large to share; export it instead.")
        return payload


_TileIds = Annotated[list[_Name], Field(max_length=MAX_TILES)]
_Version = Annotated[int, Strict(), Field(ge=0, le=MAX_CLIENT_ID)]


class LayoutMessage(_ClientMessage):
    """The new layout: saved (with the change right), the workspace's version bumped, and relayed.

    ``version`` is the version the change was based on (the last one this client saw). If another
    client saved since, the server merges: the tiles named in ``changed`` (and the removal of those in
    ``removed``) go onto the layout as it is now, and the rest of it stays; without ``changed`` the whole
    layout replaces the current one. Either way everyone is told (`LayoutEvent`, `LayoutSaved`).
    """

    type: Literal["layout"]
    # Checked by clean_layout after the change right, with its own sentences; missing is refused there too.
    tiles: Annotated[Any, _LAYOUT_SCHEMA] = None
    version: _Version | None = Field(default=None, description="The layout version this change was based on.")
    changed: _TileIds | None = Field(default=None, description="The tiles this client added or changed.")
    removed: _TileIds | None = Field(default=None, description="The tiles this client removed.")


class SourcesMessage(_ClientMessage):
    """The workspace's data sources, all of them: saved (with the change right) and relayed."""

    type: Literal["sources"]
    # Checked by clean_sources after the change right, with its own sentences.
    sources: Annotated[Any, _SOURCES_SCHEMA] = None


class PresenceMessage(_ClientMessage):
    """Ask for `PresenceEvent`s: who has this workspace open, now and at every change."""

    type: Literal["presence"]


ClientMessage = Annotated[
    JobRequest | CancelRequest | ViewMessage | SelectionMessage | LayoutMessage | SourcesMessage | PresenceMessage,
    Field(discriminator="type"),
]
AnyClientMessage = (
    JobRequest | CancelRequest | ViewMessage | SelectionMessage | LayoutMessage | SourcesMessage | PresenceMessage
)
_CLIENT_TYPES: dict[str, type[_ClientMessage]] = {
    "job": JobRequest,
    "cancel": CancelRequest,
    "view": ViewMessage,
    "selection": SelectionMessage,
    "layout": LayoutMessage,
    "sources": SourcesMessage,
    "presence": PresenceMessage,
}
# The sentence for a message that fails its model, by type (a layout's tiles are checked by clean_layout).
_CLIENT_ERRORS = {
    "layout": "A layout's version must be a whole number, and changed and removed lists of tile ids.",
}


def parse_client_message(content: Any) -> AnyClientMessage:
    """A decoded client message as its model. Raises ToyzError ``bad_message`` with a sentence."""
    kind = content.get("type") if isinstance(content, dict) else None
    model = _CLIENT_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ToyzError("bad_message", "Unknown or missing message type.")
    try:
        message = model.model_validate(content)
    except ValidationError as exc:
        if model is SelectionMessage:
            raise ToyzError("bad_message", _selection_error(exc)) from None
        # Only the id can fail in a job or cancel message.
        raise ToyzError("bad_message", _CLIENT_ERRORS.get(str(kind), "A job message needs an integer id.")) from None
    assert isinstance(message, AnyClientMessage)
    return message


def _selection_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    if field == "state":
        return "A selection message's " + selection_sentence(error)
    if field in ("source", "origin"):
        return f"A selection message needs {field} as a string of at most 64 characters."
    return "A selection message holds source, state and origin only."


def merge_layout(
    current: list[dict[str, Any]], tiles: list[dict[str, Any]], changed: list[str], removed: list[str]
) -> list[dict[str, Any]]:
    """`current` with one client's changes on top: its `changed` tiles replace (or join) those of
    `current`, its `removed` ones go, and every other tile stays as `current` has it."""
    mine = {tile["id"]: tile for tile in tiles if tile["id"] in changed}
    gone = set(removed) - set(mine)
    merged = [mine.pop(tile["id"], tile) for tile in current if tile["id"] not in gone]
    return merged + list(mine.values())


# --- server → client events ---------------------------------------------------------------------------


@events.event_kind
class WorkspaceOpened(events.Event):
    """The first message of a socket: the workspace's name, layout and whether this user may change it."""

    event: Literal["workspace"] = "workspace"
    name: str
    # Stored layouts were cleaned when saved: they go out as they are.
    tiles: Annotated[list[dict[str, Any]], _LAYOUT_SCHEMA]
    may_change: bool
    version: int = Field(description="The layout's version: a layout message names the one it was based on.")
    # Stored sources were cleaned when saved: they go out as they are.
    sources: Annotated[list[dict[str, Any]], _SOURCES_SCHEMA] = Field(default_factory=list)


class Person(BaseModel):
    """Someone who has the workspace open (once however many of their pages are)."""

    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    user: str = Field(description="The username.")
    name: str = Field(description="The full name, or the username.")
    pages: int = Field(description="How many pages of the workspace they have open.")
    may_change: bool


@events.event_kind
class PresenceEvent(events.Event):
    """Who has this workspace open now, this user included; sent after a `presence` message and at every change."""

    event: Literal["presence"] = "presence"
    people: list[Person]


@events.event_kind
class LayoutSaved(events.Event):
    """To the client that sent a layout: it was saved as `version`.

    With ``merged``, others had saved since ``base``: ``tiles`` is the merged layout, now shown to all.
    """

    event: Literal["layout.saved"] = "layout.saved"
    version: int
    base: int
    merged: bool
    tiles: Annotated[list[dict[str, Any]], _LAYOUT_SCHEMA] | None = None


class _RelayedEvent(events.Event):
    # Built with model_validate({"from": ...}): the client's own keys may be anything but ours.
    model_config = ConfigDict(frozen=True, extra="allow")

    sender: str = Field(alias="from", description="The username of the client that sent it.")


@events.event_kind
class ViewEvent(_RelayedEvent):
    """Another client's view changed; the rest is that client's own content."""

    event: Literal["view"] = "view"


@events.event_kind
class SelectionEvent(_RelayedEvent):
    """Another client changed the live selection of a source (`state` null: cleared)."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    event: Literal["selection"] = "selection"
    source: str = Field(description="The id of the source.")
    state: Annotated[
        dict[str, Any] | None, WithJsonSchema({"anyOf": [{"$ref": "#/$defs/SelectionState"}, {"type": "null"}]})
    ]
    origin: str = Field(description="The tile where it was made.")


@events.event_kind
class SourcesSaved(events.Event):
    """To the client that sent the sources: they were saved."""

    event: Literal["sources.saved"] = "sources.saved"


@events.event_kind
class SourcesEvent(_RelayedEvent):
    """Another client saved the workspace's sources."""

    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)

    event: Literal["sources"] = "sources"
    sources: Annotated[list[dict[str, Any]], _SOURCES_SCHEMA]


@events.event_kind
class LayoutEvent(_RelayedEvent):
    """Another client saved the layout."""

    event: Literal["layout"] = "layout"
    tiles: Annotated[list[dict[str, Any]], _LAYOUT_SCHEMA]
    version: int = Field(description="The version saved.")
    base: int = Field(
        description="The version the change was based on: older than version - 1 when others saved meanwhile."
    )
    merged: bool = Field(description="Whether the change was merged onto later ones (else it replaced the layout).")
    changed: list[str] = Field(
        description="The tiles the change added or changed (every tile when it replaced the layout)."
    )
    removed: list[str] = Field(description="The tiles the change removed.")


RELAYED_EVENTS: dict[str, type[_RelayedEvent]] = {"view": ViewEvent, "selection": SelectionEvent}


@events.event_kind
class AccessChanged(events.Event):
    """This user's right on the workspace changed while the socket is open (a share given or lowered):
    `may_change` false turns the page read-only at once. A withdrawn view closes the socket instead."""

    event: Literal["access"] = "access"
    may_change: bool


@events.event_kind
class WorkspaceRenamed(events.Event):
    """Someone renamed the workspace: its pages show the new name."""

    event: Literal["workspace.renamed"] = "workspace.renamed"
    name: str


def socket_schema() -> dict[str, Any]:
    """The JSON Schema of every socket message and job function.

    ``{"$defs", "client": {"oneOf"}, "server": {"oneOf"}}``; ``$defs`` also holds the layout's `Tile`,
    each job function's parameters and result models, and ``JobFunctions``: every job function by
    name, with ``params`` and ``result`` (``{"type": "object"}`` where a function declares no result
    model). Event kinds and job functions register when their apps load: call it after that.
    """
    client = list(_CLIENT_TYPES.values())
    server: list[type[BaseModel]] = [Progress, OkResult, ErrorResult, ErrorMessage, *events.EVENT_KINDS]
    jobs = specs()
    # Parameters are what a client sends (validation), results what it receives (serialization).
    inputs: list[type[BaseModel]] = [*client, Tile, SourceSpec, SelectionState, *(spec.params for spec in jobs)]
    outputs: list[type[BaseModel]] = [*server, *(spec.result for spec in jobs if spec.result is not None)]
    keys, schema = models_json_schema(
        [(model, "validation") for model in inputs] + [(model, "serialization") for model in outputs],
        ref_template="#/$defs/{model}",
    )
    defs = dict(schema.get("$defs", {}))
    defs["JobFunctions"] = {
        "title": "JobFunctions",
        "description": "Every job function by name: the parameters it takes and the result it returns.",
        "type": "object",
        "properties": {
            spec.name: {
                "type": "object",
                "description": spec.description,
                "properties": {
                    "params": keys[(spec.params, "validation")],
                    "result": {"type": "object"} if spec.result is None else keys[(spec.result, "serialization")],
                },
                "required": ["params", "result"],
                "additionalProperties": False,
            }
            for spec in jobs
        },
        "required": [spec.name for spec in jobs],
        "additionalProperties": False,
    }

    def refs(models: list[type[BaseModel]], mode: Literal["validation", "serialization"]) -> list[Any]:
        return [keys[(model, mode)] for model in models]

    roots = {"client": {"oneOf": refs(list(client), "validation")}, "server": {"oneOf": refs(server, "serialization")}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": _reachable(defs, roots), **roots}


def _reachable(defs: dict[str, Any], roots: dict[str, Any]) -> dict[str, Any]:
    """The ``$defs`` that the roots, ``Tile``, ``SourceSpec``, ``SelectionState`` or ``JobFunctions`` refer to,
    directly or not.

    Pydantic also lists the dataclass behind a path parameter (`ResolvedPath`) whose schema the
    parameter replaces: no message carries it, so the client gets no type for it.
    """
    seen: set[str] = set()
    kept = ("Tile", "SourceSpec", "SelectionState", "JobFunctions")
    todo: list[Any] = [roots, *(defs[name] for name in kept)]
    seen.update(kept)
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] not in seen:
                seen.add(ref[8:])
                todo.append(defs[ref[8:]])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return {name: schema for name, schema in defs.items() if name in seen}
