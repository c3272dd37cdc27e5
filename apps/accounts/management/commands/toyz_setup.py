"""Prepare an installation: folders, the sample data it lacks and an `admin` account."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.services import ensure_home
from workers.imaging.synthetic import write_sample_data


class Command(BaseCommand):
    help = (
        "Create the data and cache folders, write the sample images missing from samples/ of the "
        "data root, and create the admin account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-sample", action="store_true", help="Do not write the sample images.")

    def handle(self, *args: Any, **options: Any) -> None:
        data_root = settings.TOYZ_DATA_ROOT
        settings.TOYZ_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        data_root.mkdir(parents=True, exist_ok=True)
        if not options["no_sample"]:
            self._write_samples(data_root / "samples")
        self._ensure_admin()

    def _write_samples(self, samples: Path) -> None:
        """Write the samples missing from ``samples`` (the README's first steps open them);
        nothing else in the data root is touched, and a sample already there is kept as it is."""
        if samples.exists() and not samples.is_dir():
            self.stdout.write(self.style.WARNING(f"{samples} is not a folder: no sample images written."))
            return
        try:
            written = write_sample_data(samples, missing_only=True)
        except OSError as exc:  # a read-only data root still gets its admin account
            self.stdout.write(self.style.WARNING(f"Could not write the sample images to {samples}: {exc.strerror}"))
            return
        if written:
            self.stdout.write(f"Wrote {len(written)} sample files to {samples}")

    def _ensure_admin(self) -> None:
        user_model = get_user_model()
        existing = user_model.objects.filter(username="admin").first()
        if existing is not None:
            ensure_home(existing)
            self.stdout.write("The admin account exists (reset its password with `manage.py changepassword admin`).")
            return
        password = os.environ.get("TOYZ_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", "", password)
        if os.environ.get("TOYZ_ADMIN_PASSWORD"):
            self.stdout.write("Created the admin account with the password from TOYZ_ADMIN_PASSWORD.")
        else:
            self.stdout.write(self.style.WARNING(f"Created the admin account. Its password, shown once: {password}"))
