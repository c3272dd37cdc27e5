"""Who has a workspace open: each socket keeps its own book of the workspace's other sockets.

No shared store: it works the same with the in-memory channel layer (one process) and with Redis (many).
A socket that opens announces itself to the workspace's group (``presence.join``); every other socket
writes it down and answers straight to the newcomer's channel (``presence.here``), so that it learns
who was there. Each socket repeats ``presence.here`` to the group every `refresh_seconds()`, and one
that closes says ``presence.leave``; an entry not heard of for `expiry_seconds()` is dropped, which is
how the sockets of a server process that died leave the others' books.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apps.workspaces.messages import Person, PresenceEvent


def refresh_seconds() -> float:
    """How often a socket repeats that it is there (``TOYZ_PRESENCE_REFRESH_SECONDS``, 15 s)."""
    return float(settings.TOYZ_PRESENCE_REFRESH_SECONDS)


def expiry_seconds() -> float:
    """How long an entry lives without news: three refreshes missed."""
    return 3 * refresh_seconds()


JOIN = "presence.join"
HERE = "presence.here"
LEAVE = "presence.leave"

__all__ = ["HERE", "JOIN", "LEAVE", "Entry", "PresenceBook", "announcement", "expiry_seconds", "refresh_seconds"]


@dataclass(frozen=True)
class Entry:
    """One open socket: whose it is and whether they may change the workspace."""

    user: str
    name: str
    may_change: bool


def announcement(kind: str, channel: str, entry: Entry) -> dict[str, Any]:
    """The channel-layer message by which the socket `channel` says it joined, is here, or leaves."""
    return {
        "type": kind,
        "channel": channel,
        "user": entry.user,
        "name": entry.name,
        "may_change": entry.may_change,
    }


class PresenceBook:
    """The sockets of one workspace as one socket knows them, with when each was last heard of."""

    def __init__(self, channel: str, me: Entry, now: float) -> None:
        self.channel = channel
        self.entries: dict[str, tuple[Entry, float]] = {channel: (me, now)}

    def heard(self, message: dict[str, Any], now: float) -> bool:
        """Note a join or refresh; True if the people shown change (a socket new to this book)."""
        channel = message.get("channel")
        if not isinstance(channel, str) or channel == self.channel:
            return False
        entry = Entry(str(message.get("user", "")), str(message.get("name", "")), bool(message.get("may_change")))
        before = self.entries.get(channel)
        self.entries[channel] = (entry, now)
        return before is None or before[0] != entry

    def left(self, channel: Any) -> bool:
        """Forget a socket that closed; True if it was known."""
        return channel != self.channel and self.entries.pop(channel, None) is not None

    def expire(self, now: float, ttl: float) -> bool:
        """Forget the sockets not heard of for `ttl` seconds; True if any went."""
        old = [channel for channel, (_, seen) in self.entries.items() if channel != self.channel and now - seen > ttl]
        for channel in old:
            del self.entries[channel]
        return bool(old)

    def update_me(self, me: Entry, now: float) -> bool:
        """Note this socket as it is now; True if that changes what is shown (its right)."""
        before = self.entries.get(self.channel)
        self.entries[self.channel] = (me, now)
        return before is None or before[0] != me

    def event(self) -> PresenceEvent:
        """The people present, each once with their count of pages, sorted by name."""
        people: dict[str, Person] = {}
        for entry, _ in self.entries.values():
            known = people.get(entry.user)
            pages = 1 if known is None else known.pages + 1
            may_change = entry.may_change or (known is not None and known.may_change)
            people[entry.user] = Person(user=entry.user, name=entry.name, pages=pages, may_change=may_change)
        ordered = sorted(people.values(), key=lambda person: (person.name.lower(), person.user))
        return PresenceEvent(people=ordered)
