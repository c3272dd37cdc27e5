"""The registry of functions a client may run as jobs.

Nothing runs that is not registered here. Each function takes a `JobContext` and its parameters,
an instance of the `JobParams` model it declares (paths already resolved and checked for the user),
and returns a JSON-able dict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from apps.accounts.services import User, is_active_user
from apps.jobs.params import JobParams, NoParams, validate_params
from workers.errors import ToyzError

P = TypeVar("P", bound=JobParams)


class JobContext(Protocol):
    """What a job function may use: who runs it, for which workspace, and a way to report progress.

    Events (a pyramid is ready, ...) go through `apps.events`, which needs no context.
    """

    @property
    def user(self) -> User: ...

    @property
    def workspace_id(self) -> int | None: ...

    def progress(self, done: int, total: int, message: str = "") -> None: ...


JobFunction = Callable[[JobContext, Any], dict[str, Any]]


@dataclass(frozen=True)
class JobSpec:
    """A registered job function, the model of its parameters, and how it runs."""

    name: str
    description: str
    func: JobFunction
    params: type[JobParams] = NoParams
    heavy: bool = False  # long work (pyramids): its own pool, and it outlives the socket that asked
    # The shape of the returned dict, for the socket's schema (the client's types); not checked at run time.
    result: type[BaseModel] | None = None

    def params_schema(self) -> dict[str, Any]:
        """The JSON Schema of the parameters (what `GET /api/jobs` publishes)."""
        return self.params.model_json_schema()


_REGISTRY: dict[str, JobSpec] = {}


def register(
    name: str, description: str, *, params: type[P], result: type[BaseModel] | None = None, heavy: bool = False
) -> Callable[[Callable[[JobContext, P], dict[str, Any]]], Callable[[JobContext, P], dict[str, Any]]]:
    """Register a job function under `name` (``"module.function"``) with its parameters' model and,
    for the socket's schema, the model its result follows."""

    def decorator(func: Callable[[JobContext, P], dict[str, Any]]) -> Callable[[JobContext, P], dict[str, Any]]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise RuntimeError(f"Job function {name!r} is registered twice.")
        _REGISTRY[name] = JobSpec(name, description, func, params, heavy, result)
        return func

    return decorator


def get(name: object) -> JobSpec:
    if not isinstance(name, str) or name not in _REGISTRY:
        shown = name if isinstance(name, str) and len(name) < 100 else "that function"
        raise ToyzError("unknown_function", f"There is no job function called {shown!r}.")
    return _REGISTRY[name]


def names() -> list[str]:
    return sorted(_REGISTRY)


def specs() -> list[JobSpec]:
    """Every registered job function, by name."""
    return [_REGISTRY[name] for name in names()]


def can_run(user: User, spec: JobSpec) -> bool:
    """Whether the user may run this function. Built-in functions are open to every active user."""
    return is_active_user(user)


def runnable(user: User) -> list[JobSpec]:
    """The job functions `user` may run, by name."""
    return [_REGISTRY[name] for name in names() if can_run(user, _REGISTRY[name])]


def prepare(user: User, fn: object, raw_params: object) -> tuple[JobSpec, JobParams]:
    """Look up, authorise and validate a job request: the one check both `submit` and the runner make."""
    spec = get(fn)
    if not can_run(user, spec):
        raise ToyzError("forbidden", f"You are not allowed to run {spec.name}.")
    return spec, validate_params(spec.name, spec.params, user, raw_params)
