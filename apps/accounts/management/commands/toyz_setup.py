"""Prepare a fresh installation: folders, sample data and an `admin` account."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.services import ensure_home
from workers.imaging.synthetic import write_sample_data


class Command(BaseCommand):
    help = "Create the data and cache folders, sample data on first run, and the admin account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-sample", action="store_true", help="Do not write the sample images.")

    def handle(self, *args: Any, **options: Any) -> None:
        data_root = settings.TOYZ_DATA_ROOT
        settings.TOYZ_CACHE_DIR.mkdir(parents=True, exist_ok=True)
        first_run = not data_root.exists()
        data_root.mkdir(parents=True, exist_ok=True)
        samples = data_root / "samples"
        if first_run and not options["no_sample"] and not samples.exists():
            samples.mkdir()
            written = write_sample_data(samples)
            self.stdout.write(f"Wrote {len(written)} sample files to {samples}")
        self._ensure_admin()

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
