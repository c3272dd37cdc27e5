"""File identity, the paths of the pyramid cache, and atomic writes.

Every file is written under a temporary name in its final folder and renamed into place with
:func:`os.replace`, so readers never see a partial file and two processes writing the same file
at once both succeed (the last rename wins; the contents are equal).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError


@dataclass(frozen=True)
class Examined:
    """A file as one ``stat`` saw it: its real path, its name as asked and its identity."""

    real: str
    name: str
    identity: str


def examine(path: Path) -> Examined:
    """Resolve ``path`` and ``stat`` it once.

    Parameters
    ----------
    path : Path
        The file. Symlinks are followed.

    Returns
    -------
    Examined
        The real path, the name of ``path`` and the :func:`file_identity`.

    Raises
    ------
    ToyzError
        ``not_found`` if the file does not exist, ``unreadable`` if it is a folder or cannot be
        examined.
    """
    try:
        # Inside the guard: a link swapped for a file mid-call makes realpath's readlink fail.
        real = os.path.realpath(path)
        st = os.stat(real)
    except FileNotFoundError:
        raise ToyzError("not_found", f"{Path(path).name}: no such file") from None
    except OSError as exc:
        raise ToyzError("unreadable", f"{Path(path).name}: cannot examine the file ({exc.strerror})") from None
    return examined(real, st, name=Path(path).name)


def examined(real: str, st: os.stat_result, *, name: str | None = None) -> Examined:
    """What :func:`examine` gives, from a ``stat`` the caller already made of the real path ``real``.

    Raises ToyzError ``unreadable`` when it is not a regular file.
    """
    name = Path(real).name if name is None else name
    if not stat.S_ISREG(st.st_mode):
        raise ToyzError("unreadable", f"{name} is not a file; choose a file")
    return Examined(real=real, name=name, identity=stat_identity(real, st))


def file_identity(path: Path) -> str:
    """Return a short hex digest that changes whenever the file changes.

    Parameters
    ----------
    path : Path
        The file. Symlinks are followed.

    Returns
    -------
    str
        32 hex characters derived from the real path, the size in bytes and the modification
        time in nanoseconds.

    Raises
    ------
    ToyzError
        As :func:`examine`.
    """
    return examine(path).identity


def stat_identity(real: str, st: os.stat_result) -> str:
    """The :func:`file_identity` of the file at real path ``real`` whose ``stat`` is ``st``."""
    return version_identity(real, st.st_size, st.st_mtime_ns)


def version_identity(real: str, size: int, mtime_ns: int) -> str:
    """The :func:`file_identity` of the file at real path ``real`` of ``size`` bytes modified at ``mtime_ns``."""
    text = f"{real}\0{size}\0{mtime_ns}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def plane_dir(cache_dir: Path, identity: str, hdu: int, plane: int) -> Path:
    """Return the cache folder of one (file, HDU, plane); it is not created."""
    return Path(cache_dir) / identity / f"hdu{hdu}-p{plane}"


def level_path(folder: Path, level: int) -> Path:
    """Return the path of the float level ``level`` inside a plane folder."""
    return folder / f"L{level}.npy"


def tile_path(folder: Path, params_key: str, level: int, tx: int, ty: int, fmt: str) -> Path:
    """Return the path of a pre-rendered tile inside a plane folder."""
    return folder / "render" / params_key / str(level) / f"{tx}_{ty}.{fmt}"


def raw_tile_path(folder: Path, level: int, tx: int, ty: int) -> Path:
    """Return the path of a stored raw tile (its float32 values, gzip-compressed) inside a plane folder.

    Named as its URL (``.raw``) plus ``.gz``: nginx's ``gzip_static`` finds it from that URL.
    """
    return folder / "raw" / str(level) / f"{tx}_{ty}.raw.gz"


def marker_path(cache_dir: Path, identity: str, hdu: int | None, plane: int = 0) -> Path:
    """Return the completion marker of a pre-render of one HDU (every HDU when ``hdu`` is None)."""
    name = "all" if hdu is None else f"hdu{hdu}"
    if plane:
        name += f"-p{plane}"  # a cube's other planes are pre-rendered one by one
    return Path(cache_dir) / identity / f"prerendered-{name}.json"


def _temp_file(target: Path) -> tuple[int, Path]:
    """Create a hidden temporary file beside ``target`` (and its folder if need be); its open
    descriptor and path."""
    prefix = f".{target.name}."
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=".tmp")
    return fd, Path(name)


def _temp_name(target: Path) -> Path:
    fd, name = _temp_file(target)
    os.close(fd)
    return name


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    # One open, through the temporary file's own descriptor: a pre-render writes thousands.
    fd, tmp = _temp_file(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_json(target: Path, obj: Any) -> None:
    """Write ``obj`` as strict JSON (no NaN) to ``target`` atomically."""
    atomic_write_bytes(target, json.dumps(obj, allow_nan=False).encode())


class NpyRows:
    """A ``.npy`` file written row band after row band, in order (see :func:`atomic_npy`)."""

    def __init__(self, fh: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> None:
        self._fh = fh
        self.shape = shape
        self.dtype = dtype
        self.rows = 0

    def append(self, rows: npt.NDArray[Any]) -> None:
        """Write the next ``len(rows)`` rows (converted to the file's dtype)."""
        if rows.shape[1:] != self.shape[1:] or self.rows + rows.shape[0] > self.shape[0]:
            raise ValueError(f"rows of shape {rows.shape} do not continue an array of shape {self.shape}")
        self._fh.write(np.ascontiguousarray(rows, dtype=self.dtype).data)
        self.rows += rows.shape[0]


@contextlib.contextmanager
def atomic_npy(target: Path, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Iterator[NpyRows]:
    """Yield a :class:`NpyRows` whose ``.npy`` appears at ``target`` when the block ends.

    The rows go to a temporary file with plain writes (no memory map: ``msync`` of a mapped file
    waits for the disk, 0.1 s per DECam CCD); if the block raises or leaves rows unwritten, the
    file is removed and ``target`` is left untouched.
    """
    tmp = _temp_name(target)
    kind = np.dtype(dtype)
    try:
        with tmp.open("wb") as fh:
            header = {"descr": np.lib.format.dtype_to_descr(kind), "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(fh, header)
            out = NpyRows(fh, shape, kind)
            yield out
        if out.rows != shape[0]:
            raise ValueError(f"{out.rows} rows written of {shape[0]}")
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
