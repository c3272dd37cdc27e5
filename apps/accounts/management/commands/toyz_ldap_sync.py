"""Bring the directory's changes to every department account between sign-ins (for a cron job)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "For every account that signs in through LDAP (those without a password of their own in Toyz): copy "
        "its name, e-mail, flags and groups from the directory now, as a sign-in would, and list the accounts "
        "whose entry is gone (--deactivate-missing: deactivate them, which ends their sessions). When the "
        "directory cannot be asked it stops and deactivates nobody."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--deactivate-missing", action="store_true", help="Deactivate the accounts whose entry is gone from LDAP."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import ldap
        from django_auth_ldap.backend import ldap_error

        from apps.accounts.ldap_backend import ToyzLDAPBackend

        if not getattr(settings, "TOYZ_LDAP_URL", None):
            raise CommandError("TOYZ_LDAP_URL is not set, so no account signs in through LDAP: nothing to sync.")
        backend = ToyzLDAPBackend()
        errors: list[BaseException] = []

        def failed(exception: BaseException, **kwargs: Any) -> None:
            errors.append(exception)

        ldap_error.connect(failed, sender=ToyzLDAPBackend, dispatch_uid="toyz-ldap-sync")
        try:
            # Accounts made by a sign-in through LDAP have no password of their own (see ToyzLDAPBackend).
            accounts = [u for u in get_user_model().objects.filter(is_active=True) if not u.has_usable_password()]
            synced, missing = 0, []
            for account in accounts:
                username = account.get_username()
                errors.clear()
                if backend.populate_user(username) is not None:
                    synced += 1
                # A DN template names an entry that no longer exists: the directory answers "no such object".
                elif any(not isinstance(e, ldap.NO_SUCH_OBJECT) for e in errors):
                    raise CommandError(
                        f"The directory could not be asked about {username!r} ({errors[-1]!r}); stopped, "
                        f"after {synced} account(s) synced. Check TOYZ_LDAP_URL and TOYZ_LDAP_BIND_DN, then run again."
                    )
                else:
                    missing.append(account)
        finally:
            ldap_error.disconnect(sender=ToyzLDAPBackend, dispatch_uid="toyz-ldap-sync")
        for account in missing:
            if options["deactivate_missing"]:
                account.is_active = False
                account.save(update_fields=["is_active"])
            verb = "deactivated" if options["deactivate_missing"] else "kept: --deactivate-missing deactivates it"
            self.stdout.write(f"{account.get_username()}: no longer in the directory ({verb})")
        self.stdout.write(f"{synced} account(s) synced from the directory, {len(missing)} gone from it.")
