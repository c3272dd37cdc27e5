"""Bring the directory's changes to every department account between sign-ins (for a cron job)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "For every account that signs in through LDAP: copy its name, e-mail, flags and groups from the "
        "directory now, as a sign-in would; deactivate the accounts whose entry is gone (--keep-missing: "
        "only list them). Nothing changes when the directory cannot be asked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-missing", action="store_true", help="List accounts gone from LDAP, keep them.")

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
            if not options["keep_missing"]:
                account.is_active = False
                account.save(update_fields=["is_active"])
            verb = "kept" if options["keep_missing"] else "deactivated"
            self.stdout.write(f"{account.get_username()}: no longer in the directory ({verb})")
        self.stdout.write(f"{synced} account(s) synced from the directory, {len(missing)} gone from it.")
