"""What a request costs the database in the distributed mode (PostgreSQL, Redis): the web process borrows
pooled connections instead of connecting per request, and a logged-in request reads its session from Redis."""

from __future__ import annotations

import http.client
import time
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_logged_in_request_reads_its_session_from_redis(make_user: Any, redis_url: str) -> None:
    client = Client()
    client.force_login(make_user("alice"))
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/api/workspaces").status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def _sessions_opened(url: str, database: str) -> int:
    # PostgreSQL counts each connection to a database (pg_stat_database.sessions, PostgreSQL 14+).
    with psycopg.connect(url, autocommit=True) as probe:
        row = probe.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (database,)).fetchone()
    assert row is not None
    return int(row[0])


def test_the_web_process_reuses_pooled_connections(
    asgi_server: str, make_user: Any, service_env: dict[str, str]
) -> None:
    database = settings.DATABASES["default"]["NAME"]
    admin_url = service_env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    client = Client()
    client.force_login(make_user("alice"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    host, port = asgi_server.split(":")

    def get() -> int:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            connection.request("GET", "/api/workspaces", headers={"Cookie": cookie})
            return connection.getresponse().status
        finally:
            connection.close()

    assert get() == 200  # opens the pool

    def settled() -> int:
        # Stats of a backend reach pg_stat_database when it flushes them: read until two readings agree.
        last = _sessions_opened(admin_url, database)
        for _ in range(40):
            time.sleep(0.5)
            now = _sessions_opened(admin_url, database)
            if now == last:
                break
            last = now
        return last

    before = settled()
    assert all(get() == 200 for _ in range(20))
    opened = settled() - before
    # Each settled() reading opens one session of its own (to "postgres", not this database); a pool may
    # top itself up once. Connecting per request would be 20 here.
    assert opened <= 2, f"{opened} new PostgreSQL sessions for 20 requests"
