"""The registry of functions a client may run as jobs.

Nothing runs that is not registered here. Each function takes a `JobContext` and its parameters,
an instance of the `JobParams` model it declares (paths already resolved and checked for the user),
and returns a JSON-able dict. Every function belongs to a module (the name's prefix before the
first ".", unless `register` names another); who may run a module is `apps.jobs.modules`' business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from apps.accounts.services import User, is_active_user
from apps.jobs import modules
from apps.jobs.params import JobParams, NoParams, validate_params
from apps.jobs.queues import INTERACTIVE, QUEUES, WatchedQueue
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
#: Called with a job's validated parameters: the key of its work, which runs with the same key share (one does
#: it, the others follow: `apps/jobs/sharing.py`), or None when the run is its own.
ShareFunction = Callable[[Any], str | None]


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
    module: str = ""  # the module whose grant runs it; by default the name's prefix before the first "."
    queue: WatchedQueue = INTERACTIVE  # the Celery queue of its runs that someone watches (apps/jobs/queues.py)
    share: ShareFunction | None = None  # how runs of the same work find each other (one runs, others follow)
    inline: bool = False  # a few ms at most (a pixel readout): runs in the server process in both modes

    def __post_init__(self) -> None:
        if not self.module:
            object.__setattr__(self, "module", self.name.partition(".")[0])

    def params_schema(self) -> dict[str, Any]:
        """The JSON Schema of the parameters (what `GET /api/jobs` publishes)."""
        return self.params.model_json_schema()


_REGISTRY: dict[str, JobSpec] = {}
#: What each module is, for the admin: its title and description, as `describe_module` gave them.
_MODULES: dict[str, modules.ModuleInfo] = {}


def register(
    name: str,
    description: str,
    *,
    params: type[P],
    result: type[BaseModel] | None = None,
    heavy: bool = False,
    module: str | None = None,
    queue: WatchedQueue = INTERACTIVE,
    share: ShareFunction | None = None,
    inline: bool = False,
) -> Callable[[Callable[[JobContext, P], dict[str, Any]]], Callable[[JobContext, P], dict[str, Any]]]:
    """Register a job function under `name` (``"module.function"``) with its parameters' model and,
    for the socket's schema, the model its result follows. It belongs to `module`, by default the
    name's prefix before the first ".".

    `queue`: where its watched runs wait for a worker in the distributed mode ("interactive", or
    "prerender" for pre-renders a user asks for). `share(params)`: the key of a run's work, for work that
    concurrent runs should do once (ten users opening one new exposure). `inline`: so quick (a pixel
    readout) that it runs in the server process in the distributed mode too (`TOYZ_INLINE_JOBS`)."""
    if queue not in QUEUES:
        raise RuntimeError(f"Job function {name!r}: {queue!r} is no queue ({', '.join(QUEUES)}).")
    owner = module if module is not None else name.partition(".")[0]
    if not modules.is_module_name(owner):
        raise RuntimeError(f"Job function {name!r}: {owner!r} is no module name (a-z, 0-9, _ and -, at most 100).")

    def decorator(func: Callable[[JobContext, P], dict[str, Any]]) -> Callable[[JobContext, P], dict[str, Any]]:
        if name in _REGISTRY and _REGISTRY[name].func is not func:
            raise RuntimeError(f"Job function {name!r} is registered twice.")
        _REGISTRY[name] = JobSpec(name, description, func, params, heavy, result, owner, queue, share, inline)
        return func

    return decorator


def describe_module(name: str, title: str, description: str = "") -> None:
    """Give a module a title and a description, which the admin shows beside its grants."""
    if not modules.is_module_name(name):
        raise RuntimeError(f"{name!r} is no module name (a-z, 0-9, _ and -, at most 100).")
    _MODULES[name] = modules.ModuleInfo(title=title, description=description)


def module_catalogue() -> dict[str, modules.ModuleInfo]:
    """Every module that has a registered function, with its title, description and functions."""
    catalogue: dict[str, modules.ModuleInfo] = {}
    for spec in specs():
        info = catalogue.get(spec.module) or _MODULES.get(spec.module) or modules.ModuleInfo(title=spec.module)
        catalogue[spec.module] = info.with_function(spec.name)
    return catalogue


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
    """Whether the user may run this function: admins everything, other active users the open modules
    and those granted to them or their groups, inactive and anonymous users nothing. One cache read."""
    return is_active_user(user) and modules.runnable_modules(user).admits(spec.module)


def runnable(user: User) -> list[JobSpec]:
    """The job functions `user` may run, by name."""
    if not is_active_user(user):
        return []
    allowed = modules.runnable_modules(user)
    return [spec for spec in specs() if allowed.admits(spec.module)]


def prepare(user: User, fn: object, raw_params: object) -> tuple[JobSpec, JobParams]:
    """Look up, authorise and validate a job request: the one check both `submit` and the runner make."""
    spec = get(fn)
    if not can_run(user, spec):
        info = _MODULES.get(spec.module)
        raise modules.refusal(user, spec.name, spec.module, info.title if info else spec.module)
    return spec, validate_params(spec.name, spec.params, user, raw_params)
