"""Property-based tests of the resolver: whatever string a client sends, the answer is a path inside the
root or a `ToyzError` with a documented code, never another exception."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.files.permissions import Right
from apps.files.resolver import resolve
from workers.errors import ToyzError

CODES = {"outside_root", "not_found", "forbidden", "bad_path"}

# Lone surrogates, control characters, the separators and dots that steer a path, and ordinary text.
awkward_char = st.one_of(
    st.characters(categories=["Cs"]),
    st.characters(categories=["Cc"]),
    st.sampled_from(["/", ".", "\\", "\x00", "~", " "]),
    st.characters(),
)


def strings(chars: st.SearchStrategy[str], min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    # st.text() drops surrogates whatever its alphabet says; a joined list keeps them.
    return st.lists(chars, min_size=min_size, max_size=max_size).map("".join)


segment = st.one_of(
    st.sampled_from(["", ".", "..", "home", "alice", "bob", "a.fits", "link", "loop"]),
    strings(awkward_char, max_size=12),
    strings(st.sampled_from("ab\udc80\n"), min_size=250, max_size=300),  # past NAME_MAX (255 bytes)
)
client_path = st.one_of(
    st.lists(segment, max_size=8).map("/".join),
    st.lists(st.sampled_from(["a", "..", ".", ""]), min_size=100, max_size=1200).map("/".join),  # deep nesting
    strings(awkward_char, max_size=64),
)
# Property tests share one user and tree across examples: resolve() only reads.
shared = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def tree(make_user: Any, data_root: Path) -> dict[str, Any]:
    alice, admin = make_user("alice"), make_user("root", admin=True)
    make_user("bob")
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    (data_root / "home/bob/a.fits").write_bytes(b"x")
    os.symlink("/etc", data_root / "home/alice/link")
    os.symlink("loop", data_root / "home/alice/loop")
    return {"alice": alice, "admin": admin, "root": Path(os.path.realpath(data_root))}


def check(tree: dict[str, Any], who: str, raw: str, right: Right, must_exist: bool) -> None:
    try:
        resolved = resolve(tree[who], raw, right, must_exist=must_exist)
    except ToyzError as exc:
        assert exc.code in CODES, exc.code
        assert exc.message and str(tree["root"]) not in exc.message  # no server path in the sentence
        return
    root: Path = tree["root"]
    assert resolved.real == root or root in resolved.real.parents
    assert not resolved.client.startswith("/") and ".." not in PurePosixPath(resolved.client).parts
    assert root.joinpath(resolved.client) == resolved.real


@shared
@given(raw=client_path, who=st.sampled_from(["alice", "admin"]), right=st.sampled_from(list(Right)))
def test_any_client_path_resolves_inside_the_root_or_is_a_clean_error(
    tree: dict[str, Any], raw: str, who: str, right: Right
) -> None:
    check(tree, who, raw, right, must_exist=True)


@shared
@given(raw=client_path)
def test_paths_that_need_not_exist_are_judged_the_same_way(tree: dict[str, Any], raw: str) -> None:
    check(tree, "admin", raw, Right.WRITE, must_exist=False)


@shared
@given(prefix=st.sampled_from(["", "home/alice/", "home/../"]), name=strings(awkward_char, min_size=1, max_size=40))
def test_names_with_surrogates_or_control_characters_never_crash(tree: dict[str, Any], prefix: str, name: str) -> None:
    check(tree, "admin", prefix + name, Right.READ, must_exist=True)
