"""The pure parts of co-viewing: a socket's presence book and the per-tile layout merge."""

from __future__ import annotations

from typing import Any

from apps.workspaces.messages import merge_layout
from apps.workspaces.presence import HERE, JOIN, Entry, PresenceBook, announcement


def tile(tile_id: str, x: int = 0) -> dict[str, Any]:
    return {"id": tile_id, "kind": "image", "x": x, "y": 0, "w": 1, "h": 1, "state": {}}


def people(book: PresenceBook) -> list[tuple[str, int, bool]]:
    return [(p.user, p.pages, p.may_change) for p in book.event().people]


def test_a_book_counts_each_user_once_with_their_pages() -> None:
    book = PresenceBook("me", Entry("alice", "Alice A", True), now=0)
    assert book.heard(announcement(JOIN, "b1", Entry("bob", "Bob B", False)), now=1)
    assert book.heard(announcement(JOIN, "a2", Entry("alice", "Alice A", True)), now=1)
    assert people(book) == [("alice", 2, True), ("bob", 1, False)]
    # A refresh of a known page changes nothing shown; its own announcements are not news.
    assert not book.heard(announcement(HERE, "b1", Entry("bob", "Bob B", False)), now=2)
    assert not book.heard(announcement(HERE, "me", Entry("alice", "Alice A", True)), now=2)


def test_a_book_forgets_pages_that_leave_or_go_silent_but_never_its_own() -> None:
    book = PresenceBook("me", Entry("alice", "Alice A", True), now=0)
    book.heard(announcement(JOIN, "b1", Entry("bob", "Bob B", True)), now=0)
    book.heard(announcement(JOIN, "c1", Entry("carol", "Carol C", True)), now=0)
    assert book.left("b1") and not book.left("b1") and not book.left("me")
    book.heard(announcement(HERE, "c1", Entry("carol", "Carol C", True)), now=8)
    assert not book.expire(now=10, ttl=5)
    assert book.expire(now=14, ttl=5)
    assert people(book) == [("alice", 1, True)]


def test_a_merge_keeps_others_changes_and_applies_mine() -> None:
    current = [tile("a", x=1), tile("b", x=2), tile("c")]
    mine = [tile("a"), tile("b", x=5), tile("d")]
    merged = merge_layout(current, mine, changed=["b", "d"], removed=["c"])
    assert merged == [tile("a", x=1), tile("b", x=5), tile("d")]


def test_a_tile_i_changed_comes_back_even_if_someone_removed_it() -> None:
    assert merge_layout([tile("a")], [tile("a"), tile("b", x=3)], changed=["b"], removed=[]) == [
        tile("a"),
        tile("b", x=3),
    ]
