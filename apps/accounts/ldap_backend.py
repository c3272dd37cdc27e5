"""Sign-in with a department account through django-auth-ldap (settings: toyz_site/ldap_settings.py).

django-auth-ldap logs a directory error and answers "no such user", which the login page could only show
as a wrong password; the error's kind is kept on the request so that the page says what went wrong.
"""

from __future__ import annotations

from typing import Any

import ldap
from django_auth_ldap.backend import LDAPBackend, ldap_error

#: Errors that mean the directory could not be reached at all (down, filtered, or TLS failing).
_UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)


class ToyzLDAPBackend(LDAPBackend):  # type: ignore[misc]  # django-auth-ldap ships no types
    """django-auth-ldap's backend. A new user is created (and so gets a home folder) at their first sign-in;
    their LDAP groups become Django groups of the same names at every sign-in."""

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        # As Django's ModelBackend: a session of an account deactivated since is a session no more.
        return user if user is not None and user.is_active else None

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[Any, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        # A local account (one with a password of its own, like the admin that toyz_setup makes) is never
        # taken over by a directory entry of the same name: it keeps signing in with its own password.
        if not built and user.has_usable_password():
            raise ldap_user.AuthenticationFailed(f"{user.get_username()!r} is a local account")
        return user, built


def directory_problem(exception: BaseException) -> str:
    """``ldap_unreachable`` when the directory did not answer, ``ldap_refused`` when it refused this site's
    own query (the search account's password, a search base that does not exist)."""
    return "ldap_unreachable" if isinstance(exception, _UNREACHABLE) else "ldap_refused"


def _remember_directory_error(
    sender: Any, context: str, user: Any, request: Any, exception: Any, **kwargs: Any
) -> None:
    if request is not None:
        request.toyz_directory_problem = directory_problem(exception)


ldap_error.connect(_remember_directory_error, sender=ToyzLDAPBackend, dispatch_uid="toyz-directory-problem")
