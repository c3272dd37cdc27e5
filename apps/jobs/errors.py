"""Errors a job can end with: each has a code for programs and a sentence for people."""

from __future__ import annotations


class JobError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class JobCancelled(JobError):
    def __init__(self) -> None:
        super().__init__("cancelled", "The job was cancelled.")
