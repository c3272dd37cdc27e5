"""What the sources endpoints, jobs and other apps share about data sources."""

from __future__ import annotations

from apps.sources.selection import MAX_EXPRESSION, SelectionState, selection_sentence

__all__ = ["MAX_EXPRESSION", "SelectionState", "selection_sentence"]
