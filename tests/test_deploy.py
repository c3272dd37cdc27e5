"""The deploy files' renderer (deploy/render.py), the production setup's reading of its environment
(deploy/production.py) and the checks `make deploy-check` runs (deploy/check.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deploy import check, render
from deploy.production import ProductionError, setup_from_env, web_command, worker_command
from deploy.render import RenderError, render_text, values_from


def test_variables_are_substituted_and_nginxs_own_left_alone():
    text = "listen ${TOYZ_PORT};\nproxy_set_header X-Forwarded-For $remote_addr;\nset $x ${host};\n"
    assert render_text(text, {"TOYZ_PORT": "8080"}) == (
        "listen 8080;\nproxy_set_header X-Forwarded-For $remote_addr;\nset $x ${host};\n"
    )


def test_conditional_lines_follow_their_variable():
    text = "#if:TLS     listen 443 ssl;\n#unless:TLS     listen 80;\nserver_name x;\n"
    assert render_text(text, {"TLS": "cert.pem"}) == "    listen 443 ssl;\nserver_name x;\n"
    assert render_text(text, {"TLS": ""}) == "    listen 80;\nserver_name x;\n"


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("a\nlisten ${TOYZ_NOPE};\n", {}, r"t\.conf:2: \$\{TOYZ_NOPE\} is not set"),
        ("#if:TOYZ_NOPE x;\n", {}, r"t\.conf:1: #if:TOYZ_NOPE names a variable nobody set"),
        ("server_name ${NAME};\n", {"NAME": "a; include /etc/passwd"}, r"NAME=.*may not hold"),
        ("server_name ${NAME};\n", {"NAME": "a\n}"}, r"NAME=.*may not hold"),
    ],
)
def test_what_cannot_be_rendered_is_an_error_naming_it(text, values, message):
    with pytest.raises(RenderError, match=message):
        render_text(text, values, source="t.conf")


def test_defaults_follow_the_var_folder_and_the_environment_wins(tmp_path: Path):
    values = values_from({"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_PORT": "18123", "TOYZ_EXTRA": "x"}, tmp_path / "out")
    assert values["TOYZ_CACHE_DIR"] == str(tmp_path / "cache")
    assert values["TOYZ_STATIC_ROOT"] == str(tmp_path / "static")
    assert values["TOYZ_NGINX_LISTEN"] == "127.0.0.1:18123"
    assert values["TOYZ_NGINX_DIR"] == str(tmp_path / "out")
    # Variables of the environment's own reach the templates of nginx.d/; an empty path takes the default.
    assert values["TOYZ_EXTRA"] == "x"
    assert values_from({"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_CACHE_DIR": ""}, tmp_path)["TOYZ_CACHE_DIR"] == str(
        tmp_path / "cache"
    )
    with pytest.raises(RenderError, match="TOYZ_TLS_KEY"):
        values_from({"TOYZ_TLS_CERT": "/etc/ssl/cert.pem"}, tmp_path)


def test_every_nginx_d_template_is_rendered_and_stale_ones_removed(tmp_path: Path, monkeypatch):
    snippets = tmp_path / "nginx.d"
    snippets.mkdir()
    (snippets / "signed.conf").write_text('location /s/ { secure_link_md5 "${TOYZ_SECRET}"; }\n')
    (snippets / "notes.md").write_text("not a template")
    monkeypatch.setattr(render, "SNIPPETS", snippets)
    out = tmp_path / "out"
    (out / "nginx.d").mkdir(parents=True)
    (out / "nginx.d" / "removed.conf").write_text("location /old/ {}")
    conf = render.render(out, {"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_SECRET": "s3cret"})
    assert sorted(p.name for p in (out / "nginx.d").iterdir()) == ["signed.conf"]
    assert (out / "nginx.d" / "signed.conf").read_text() == 'location /s/ { secure_link_md5 "s3cret"; }\n'
    assert f"include {out}/nginx.d/*.conf;" in conf.read_text()
    assert not re.search(r"\$\{[A-Z]", conf.read_text())


def test_the_internal_location_aliases_only_the_cache_folder(tmp_path: Path):
    # nginx.d/signed-tiles.conf needs its key to render at all.
    environ = {"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_CACHE_DIR": str(tmp_path / "c"), "TOYZ_TILE_SIGNING_KEY": "k" * 32}
    conf = render.render(tmp_path / "out", environ)
    text = conf.read_text()
    internal = [block for block in text.split("location ")[1:] if "internal;" in block]
    # Rendered tiles, raw tiles, then everything else under the prefix.
    assert len(internal) == 3
    for tiles in internal[:2]:
        assert [line.strip() for line in tiles.splitlines() if "alias" in line] == [f"alias {tmp_path}/c/$1;"]
    assert "/raw/" in internal[1] and "gzip_static always;" in internal[1] and "gunzip on;" in internal[1]
    assert "return 404;" in internal[2] and "alias" not in internal[2]


def test_the_production_setup_reads_its_environment(tmp_path: Path):
    setup = setup_from_env(
        {"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_PORT": "18124", "TOYZ_WEB_PROCESSES": "3", "TOYZ_WORKER_QUEUES": "a, b"}
    )
    assert setup.url == "http://127.0.0.1:18124"
    assert setup.env["TOYZ_ACCEL_REDIRECT"] == "/_toyz_cache/"
    assert setup.env["DATABASE_URL"].startswith("postgres://") and setup.env["TOYZ_REDIS_URL"].startswith("redis://")
    # Celery's default queue is always taken too: a task no route names is never stranded.
    assert setup.worker_queues == (("a", "b", "celery"),)
    assert setup.env["TOYZ_WEB_UPSTREAM"] == f"unix:{tmp_path}/production/run/web.sock"
    web = web_command(setup)
    assert web[web.index("--workers") + 1] == "3" and web[web.index("--uds") + 1] == str(setup.socket_path)
    worker = worker_command(setup, setup.worker_queues[0])
    assert worker[worker.index("-Q") + 1] == "a,b,celery"
    # By default two workers, as the systemd units and the compose file run them; the render one niced.
    two = setup_from_env({"TOYZ_VAR_DIR": str(tmp_path)})
    assert two.worker_queues == (("interactive", "celery"), ("prerender", "bulk", "celery"))
    interactive, render = (worker_command(two, queues) for queues in two.worker_queues)
    assert "nice" not in Path(interactive[0]).name and interactive[interactive.index("-n") + 1] == "interactive@%h"
    assert Path(render[0]).name == "nice" and render[1:3] == ["-n", "10"]
    assert render[render.index("-Q") + 1] == "prerender,bulk,celery"
    off = setup_from_env({"TOYZ_VAR_DIR": str(tmp_path), "TOYZ_ACCEL_REDIRECT": ""})
    assert off.env["TOYZ_ACCEL_REDIRECT"] == ""


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TOYZ_WEB_PROCESSES": "0"}, "TOYZ_WEB_PROCESSES=0"),
        ({"TOYZ_PORT": "eighty"}, "TOYZ_PORT"),
        ({"TOYZ_RUN_DIR": "/tmp/" + "x" * 120}, "too long for a unix socket"),
    ],
)
def test_a_bad_production_setting_is_refused(env, message, tmp_path: Path):
    with pytest.raises(ProductionError, match=message):
        setup_from_env({"TOYZ_VAR_DIR": str(tmp_path), **env})


def test_the_deploy_check_fails_on_a_configuration_nginx_rejects(tmp_path: Path, monkeypatch):
    broken = tmp_path / "nginx.conf"
    broken.write_text(render.TEMPLATE.read_text().replace("keepalive_requests 10000;", "keepalive_requests ten;"))
    monkeypatch.setattr(render, "TEMPLATE", broken)
    with pytest.raises(RuntimeError, match="keepalive_requests"):
        check.check_nginx_local(tmp_path / "work")
