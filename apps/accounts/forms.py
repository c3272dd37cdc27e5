"""The login forms: Django's, plus a clear sentence when the department's directory could not be asked."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

DIRECTORY_PROBLEMS = {
    "ldap_unreachable": (
        "The department's sign-in server cannot be reached, so department accounts cannot log in right now. "
        "Try again in a few minutes, and tell an admin if it lasts. Local Toyz accounts still log in."
    ),
    "ldap_refused": (
        "The department's sign-in server refused this site's query, so department accounts cannot log in. "
        "Tell an admin: the site's LDAP settings need a look. Local Toyz accounts still log in."
    ),
}


class DirectoryProblemMixin:
    """Says that the directory failed, instead of "wrong password", when it did (see apps/accounts/ldap_backend.py)."""

    request: Any
    #: The kind of directory failure behind a refused login (a key of DIRECTORY_PROBLEMS), for the template.
    directory_problem: str | None = None

    def get_invalid_login_error(self) -> ValidationError:
        problem = getattr(self.request, "toyz_directory_problem", None)
        if problem in DIRECTORY_PROBLEMS:
            self.directory_problem = problem
            return ValidationError(DIRECTORY_PROBLEMS[problem], code=problem)
        error: ValidationError = super().get_invalid_login_error()  # type: ignore[misc]
        return error


class LoginForm(DirectoryProblemMixin, AuthenticationForm):
    """The site's login form."""


class AdminLoginForm(DirectoryProblemMixin, AdminAuthenticationForm):
    """The admin's login form."""
