"""The registry of functions a client may run as jobs, and the validation of their parameters.

Nothing runs that is not registered here. Each function takes a `JobContext` and its cleaned
parameters (paths already resolved and checked for the user) and returns a JSON-able dict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from apps.files.permissions import Right, User, is_active_user
from apps.files.resolver import resolve
from workers.errors import ToyzError

ParamKind = Literal["str", "int", "float", "bool", "path"]
MAX_STRING = 4096


class JobContext(Protocol):
    """What a job function may use: who runs it, a way to report progress, and events."""

    @property
    def user(self) -> User: ...

    @property
    def workspace_id(self) -> int | None: ...

    def progress(self, done: int, total: int, message: str = "") -> None: ...

    def event(self, payload: dict[str, Any]) -> None: ...

    def prerender_ready(self, path: str, hdu: int | None) -> None:
        """Tell every open workspace whose user may read `path` that its pyramid is complete."""
        ...


JobFunction = Callable[[JobContext, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Param:
    name: str
    kind: ParamKind
    default: Any = None
    required: bool = False
    right: Right = Right.READ  # for kind "path": the right the user needs on it
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    func: JobFunction
    params: tuple[Param, ...] = field(default_factory=tuple)
    heavy: bool = False  # long work (pyramids): its own pool, and it outlives the socket that asked


_REGISTRY: dict[str, JobSpec] = {}


def register(
    name: str, description: str, *, params: Sequence[Param] = (), heavy: bool = False
) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under `name` (``"module.function"``)."""

    def decorator(func: JobFunction) -> JobFunction:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise RuntimeError(f"Job function {name!r} is registered twice.")
        _REGISTRY[name] = JobSpec(name, description, func, tuple(params), heavy)
        return func

    return decorator


def get(name: object) -> JobSpec:
    if not isinstance(name, str) or name not in _REGISTRY:
        shown = name if isinstance(name, str) and len(name) < 100 else "that function"
        raise ToyzError("unknown_function", f"There is no job function called {shown!r}.")
    return _REGISTRY[name]


def names() -> list[str]:
    return sorted(_REGISTRY)


def can_run(user: User, spec: JobSpec) -> bool:
    """Whether the user may run this function. Built-in functions are open to every active user."""
    return is_active_user(user)


def _clean_value(param: Param, value: Any, user: User) -> Any:
    if value is None:
        if param.nullable:
            return None
        raise ToyzError("bad_params", f"{param.name} must not be null.")
    if param.kind == "path":
        return resolve(user, value, param.right)
    if param.kind == "str":
        if not isinstance(value, str) or len(value) > MAX_STRING:
            raise ToyzError("bad_params", f"{param.name} must be a string.")
        return value
    if param.kind == "bool":
        if not isinstance(value, bool):
            raise ToyzError("bad_params", f"{param.name} must be true or false.")
        return value
    # bool is an int in Python; refuse it where a number is expected.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ToyzError("bad_params", f"{param.name} must be a number.")
    if param.kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise ToyzError("bad_params", f"{param.name} must be a whole number.")
        value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise ToyzError("bad_params", f"{param.name} must be a finite number.")
    if (param.minimum is not None and value < param.minimum) or (param.maximum is not None and value > param.maximum):
        raise ToyzError("bad_params", f"{param.name} must be between {param.minimum} and {param.maximum}.")
    return value


def clean_params(spec: JobSpec, user: User, raw: object) -> dict[str, Any]:
    """Validate raw client parameters against the spec; resolve and check paths for `user`."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ToyzError("bad_params", "params must be an object.")
    known = {p.name for p in spec.params}
    unknown = sorted(str(k)[:50] for k in raw if k not in known)
    if unknown:
        raise ToyzError("bad_params", f"{spec.name} takes no parameter {', '.join(unknown)}.")
    cleaned: dict[str, Any] = {}
    for param in spec.params:
        if param.name not in raw:
            if param.required:
                raise ToyzError("bad_params", f"{spec.name} needs the parameter {param.name}.")
            # A default path still goes through the resolver, like any path.
            missing = param.kind == "path" and param.default is not None
            cleaned[param.name] = _clean_value(param, param.default, user) if missing else param.default
            continue
        cleaned[param.name] = _clean_value(param, raw[param.name], user)
    return cleaned


def prepare(user: User, fn: object, raw_params: object) -> tuple[JobSpec, dict[str, Any]]:
    """Look up, authorise and validate a job request: the one check both the socket and the runner make."""
    spec = get(fn)
    if not can_run(user, spec):
        raise ToyzError("forbidden", f"You are not allowed to run {spec.name}.")
    return spec, clean_params(spec, user, raw_params)
