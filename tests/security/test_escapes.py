"""Path escapes: the crafted corpus (tests/security/corpus.py) against every discovered REST operation and
job function that takes a path or a file name, as an admin and as a user.

Zero escapes (the secret outside the root, whose text, header and pixels are known, never shows in an
answer; nothing is written or changed outside the root), zero 500s, and every refusal a JSON error with
a sentence.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import SuspiciousFileOperation

from tests.security.conftest import Scene, check_answer, encode_query, forbidden_tokens, send, snapshot, values_for
from tests.security.corpus import crafted_paths, wire_queries
from tests.security.discovery import job_targets
from tests.security.test_matrix import OPS, url_of

ATTACKED_OPS = sorted(label for label, op in OPS.items() if (op.path_fields or op.name_fields) and not op.is_job_start)
ATTACKED_JOBS = sorted(job.name for job in job_targets() if job.path_fields or job.name_fields)
WHO = ("root", "bob")


#: Where a file-name attack aims (a path field holding one of these, the user's own, where they may write).
OWN_PATHS = ("home/bob", "home/bob/bobown-77ee.fits")


def _first_values(fields: Any, raw: str) -> dict[str, Any]:
    return next(values_for(fields, raw, names=True))


def attacks(fields: Any, raw: str) -> list[dict[str, Any]]:
    """The inputs that carry `raw`: in every path and name field at once; and, where there are name
    fields (a rename, an upload's file name), in those alone, with the path fields on a place the user
    may write, so that the name itself is what must not escape."""
    together = _first_values(fields, raw)
    named = [f for f in fields if f.where != "path" and not f.is_path and (f.is_name or f.where == "file")]
    paths = [f for f in fields if f.where != "path" and f.is_path]
    if not named or not paths:
        return [together]
    out = [together]
    for own in OWN_PATHS:
        values = _first_values(fields, own)
        out.append({**values, **{f.name: raw for f in named}})
    return out


@pytest.mark.parametrize("label", ATTACKED_OPS)
def test_no_crafted_path_escapes_through_a_rest_endpoint(scene: Scene, label: str) -> None:
    op = OPS[label]
    corpus = crafted_paths(scene.root, scene.outside)
    before = snapshot(scene.base)
    # Raw tiles hold the pixels themselves: the secret image's value would show in them.
    url = url_of(op, tile_format="raw")
    for user in WHO:
        tokens = forbidden_tokens(user)
        client = scene.clients[user]
        for raw in corpus:
            for values in attacks(op.fields, raw):
                if op.writes:
                    scene.rebuild()
                try:
                    response = send(client, op.method, url, values, op)
                except (UnicodeEncodeError, SuspiciousFileOperation):
                    continue  # the test client cannot send it in a form (a lone surrogate, a file name "/")
                check_answer(response, where=f"{label} as {user} with {values!r:.200}", tokens=tokens, asked=raw)
        if op.method == "get":
            # The same as the client's raw bytes: percent-escapes decoded once, overlong and invalid UTF-8.
            names = [f.name for f in [*op.path_fields, *op.name_fields]]
            rest = encode_query({k: v for k, v in _first_values(op.fields, "").items() if k not in names})
            for wire in wire_queries():
                query = "&".join([*(f"{name}={wire}" for name in names), *([rest] if rest else [])])
                response = client.get(f"{url}?{query}")
                check_answer(response, where=f"{label} as {user} with {wire}", tokens=tokens, asked=wire)
    assert snapshot(scene.base) == before, "something changed outside the data root"


@pytest.mark.parametrize("fn", ATTACKED_JOBS)
def test_no_crafted_path_escapes_through_a_job_over_http(scene: Scene, inline_jobs: None, fn: str) -> None:
    job = next(j for j in job_targets() if j.name == fn)
    corpus = crafted_paths(scene.root, scene.outside)
    before = snapshot(scene.base)
    for user in WHO:
        tokens = forbidden_tokens(user)
        client = scene.clients[user]
        for raw in corpus:
            where = f"{fn} as {user} with {raw[:80]!r}"
            response = client.post(f"/api/jobs/{fn}", _first_values(job.fields, raw), content_type="application/json")
            check_answer(response, where=where, tokens=tokens, asked=raw)
            if response.status_code == 202:
                run = client.get(f"/api/jobs/runs/{response.json()['id']}")
                check_answer(run, where=where + " (its run)", tokens=tokens, asked=raw)
                error = run.json()["error"]
                assert error is None or error["code"] not in ("job_failed", "internal"), f"{where}: {error}"
    assert snapshot(scene.base) == before, "something changed outside the data root"
