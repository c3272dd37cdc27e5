"""Check the deploy files as their tools see them (`make deploy-check`, part of `make test`).

- ``nginx -t`` on deploy/nginx.conf (with deploy/nginx.d/) rendered twice: as ``make run-production``
  renders it here (plain HTTP), and with deploy/toyz.env.example (TLS, a throwaway certificate);
- ``systemd-analyze verify`` on the units of deploy/systemd, with the paths that must exist on a node
  (/srv/toyz/app, /srv/toyz/toyz.env) pointed at this checkout for the check only;
- the compose file validated (``docker-compose config -q``).

Every check runs; the exit status is 1 if any failed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from deploy.production import render_nginx, setup_from_env
from deploy.render import DEPLOY, ROOT, render


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}:\n{result.stdout}{result.stderr}")


def _nginx_t(conf: Path, log_dir: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    log_dir.mkdir(parents=True, exist_ok=True)
    _run([nginx, "-t", "-q", "-p", str(conf.parent), "-e", str(log_dir / "nginx-error.log"), "-c", str(conf)])


def env_file(path: Path) -> dict[str, str]:
    """The variables of a systemd/compose environment file (KEY=value lines; # comments)."""
    found = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip()
    return found


def check_nginx_local(work: Path) -> None:
    """The configuration ``make run-production`` renders (plain HTTP, the web socket under var/production)."""
    setup = setup_from_env({"TOYZ_VAR_DIR": str(work / "var"), "TOYZ_RUN_DIR": str(work / "run")})
    _nginx_t(render_nginx(setup), setup.log_dir)


def check_nginx_tls(work: Path) -> None:
    """The configuration of a node set up with toyz.env.example: TLS, its listeners and names."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl is missing (make deploy-check installs it): no certificate to try TLS with.")
    cert, key = work / "cert.pem", work / "key.pem"
    _run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=toyz.example.org",
          "-keyout", str(key), "-out", str(cert)])  # fmt: skip
    env = env_file(DEPLOY / "toyz.env.example")
    # Only the files that must exist on a node are moved; everything else is the example's.
    env.update(
        TOYZ_TLS_CERT=str(cert), TOYZ_TLS_KEY=str(key), TOYZ_VAR_DIR=str(work / "var"),
        TOYZ_CACHE_DIR=str(work / "cache"), TOYZ_RUN_DIR=str(work / "run"), TOYZ_LOG_DIR=str(work / "log"),
    )  # fmt: skip
    (work / "run").mkdir()  # nginx -t opens the pid file's folder
    _nginx_t(render(work / "nginx-tls", env), work / "log")


def check_systemd(work: Path) -> None:
    """Every unit, as systemd would load it on a node (the template through one instance too)."""
    units = work / "systemd"
    units.mkdir()
    env = work / "toyz.env"
    shutil.copy(DEPLOY / "toyz.env.example", env)
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/srv/toyz/toyz.env", str(env)).replace("/srv/toyz/app", str(ROOT))
        (units / unit.name).write_text(text)
        if unit.name.endswith("@.service"):
            (units / unit.name.replace("@.", "@interactive.")).write_text(text)
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        raise RuntimeError("systemd-analyze is missing (Debian's systemd package; make deploy-check installs it).")
    _run([analyze, "verify", *sorted(str(p) for p in units.iterdir())])


def check_compose(work: Path) -> None:
    """The compose file, as docker-compose reads it."""
    compose = shutil.which("docker-compose")
    command = [compose] if compose else ["docker", "compose"]
    _run([*command, "-f", str(DEPLOY / "compose.yaml"), "config", "-q"])


CHECKS: dict[str, Callable[[Path], None]] = {
    "nginx -t (make run-production)": check_nginx_local,
    "nginx -t (toyz.env.example, TLS)": check_nginx_tls,
    "systemd-analyze verify": check_systemd,
    "docker-compose config": check_compose,
}


def main() -> int:
    failed = 0
    for name, check in CHECKS.items():
        with tempfile.TemporaryDirectory(prefix="toyz-check-") as work:
            try:
                check(Path(work))
            except (RuntimeError, OSError) as exc:
                failed += 1
                print(f"FAIL {name}: {exc}", file=sys.stderr)
            else:
                print(f"ok   {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
