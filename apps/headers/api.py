"""Header search (under /api/headers/): the indexed files of a folder that match a query, for the file browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel, Field

from apps.files.services import ListClientPath, Right, resolve
from apps.headers import services
from apps.http import ERROR_RESPONSES

router = Router(tags=["headers"])


class SearchQuery(BaseModel):
    path: ListClientPath = Field(default="", description="The folder searched, with its subfolders.")
    q: str = Field(default="", max_length=1000, description='The search, e.g. FILTER=r* EXPTIME>60 OBJECT~"NGC 1".')
    limit: int = Field(default=100, ge=0, le=500, description="The most results listed (total counts them all).")


class FoundOut(BaseModel):
    """One matching file: its path and the typed fields; ``keywords`` holds the keywords the query names."""

    path: str
    name: str
    date_obs: str | None = Field(description="DATE-OBS as an ISO date-time in UTC.")
    mjd: float | None
    exptime: float | None
    filter: str
    object: str
    problem: str
    keywords: dict[str, str | int | float | bool]


class SearchOut(BaseModel):
    """The matches the user may read, in path order; ``total`` counts them all (``results`` at most ``limit``)."""

    path: str
    query: str
    total: int
    results: list[FoundOut]


@router.get("/search", response={200: SearchOut, **ERROR_RESPONSES}, url_name="headers-search")
def search(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Search the header index of a folder and below (files the user may read only)."""
    folder = resolve(request.user, query.path, Right.LIST)
    return services.search(request.user, folder, query.q, query.limit)
