"""The header index's version (`IndexVersion`): bumped by every change to the index, read before a cached
folder table is served again."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import F

from apps.headers.models import IndexVersion


@cache
def _version_sql() -> str:
    quote = connection.ops.quote_name
    meta = IndexVersion._meta
    # Names from the model, quoted by the backend; the one value is a parameter.
    return f"SELECT {quote('counter')} FROM {quote(meta.db_table)} WHERE {quote(str(meta.pk.column))} = %s"  # noqa: S608


def index_version() -> int:
    """The current version of the index (one primary-key read)."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(), [1])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump_index_version() -> None:
    """Make every process's cached folder tables stale (in the current transaction: seen when it commits)."""
    if not IndexVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        IndexVersion.objects.get_or_create(pk=1, defaults={"counter": 1})
