"""Sign-in through the department's LDAP directory: django-auth-ldap's AUTH_LDAP_* settings, read from the
TOYZ_LDAP_* environment variables (README.md, "Sign-in through LDAP") only when TOYZ_LDAP_URL is set."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from toyz_site.env import env_bool, env_int, env_list, env_optional

#: The backend that settings.py puts after axes and before the local accounts' ModelBackend.
BACKEND = "apps.accounts.ldap_backend.ToyzLDAPBackend"

_SCHEMES = ("ldap://", "ldaps://", "ldapi://")


def _attribute(name: str, default: str) -> str | None:
    # Unset means the usual attribute; set to nothing means "do not fill this field".
    raw = os.environ.get(name)
    return default if raw is None else (raw.strip() or None)


def _bind_password() -> str:
    password = os.environ.get("TOYZ_LDAP_BIND_PASSWORD", "")
    password_file = env_optional("TOYZ_LDAP_BIND_PASSWORD_FILE")
    if password and password_file:
        raise ImproperlyConfigured("Set TOYZ_LDAP_BIND_PASSWORD or TOYZ_LDAP_BIND_PASSWORD_FILE, not both.")
    if not password_file:
        return password
    try:
        # A secrets file usually ends with a newline that is not part of the password.
        return Path(password_file).read_text().rstrip("\r\n")
    except OSError as error:
        raise ImproperlyConfigured(
            f"TOYZ_LDAP_BIND_PASSWORD_FILE={password_file!r} cannot be read ({error.strerror}); "
            "point it at a file this server's user can read."
        ) from None


def _check_filter(name: str, value: str, placeholder: str = "%(user)s") -> None:
    if not (value.startswith("(") and value.endswith(")")) or placeholder not in value:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not an LDAP filter with {placeholder} in it, like (uid={placeholder})."
        )


def ldap_settings(url: str) -> dict[str, Any]:
    """The AUTH_LDAP_* settings for the directory at `url` (one or more space-separated ldap:// URLs)."""
    # Imported here: python-ldap is only loaded on sites that sign in through a directory.
    import ldap
    from django_auth_ldap.config import GroupOfNamesType, GroupOfUniqueNamesType, LDAPSearch, PosixGroupType

    for uri in url.split():
        if not uri.lower().startswith(_SCHEMES):
            raise ImproperlyConfigured(
                f"TOYZ_LDAP_URL={url!r}: {uri!r} is not an LDAP address; write ldap://host or ldaps://host."
            )
    start_tls = env_bool("TOYZ_LDAP_START_TLS", False)
    if start_tls and url.lower().startswith("ldaps://"):
        raise ImproperlyConfigured(
            "TOYZ_LDAP_START_TLS is on but TOYZ_LDAP_URL is ldaps:// (already encrypted): use one or the other."
        )
    found: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": url,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_BIND_DN": env_optional("TOYZ_LDAP_BIND_DN") or "",
        "AUTH_LDAP_BIND_PASSWORD": _bind_password(),
        # Names, e-mail, flags and groups follow the directory at every sign-in...
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # ...and nothing of it is cached, so a membership removed in LDAP is gone at the next sign-in.
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
    }

    template = env_optional("TOYZ_LDAP_USER_DN_TEMPLATE")
    search_base = env_optional("TOYZ_LDAP_USER_SEARCH_BASE")
    if template and search_base:
        raise ImproperlyConfigured(
            "Set TOYZ_LDAP_USER_DN_TEMPLATE or TOYZ_LDAP_USER_SEARCH_BASE, not both: a template names the "
            "user's entry directly, a search base finds it."
        )
    if template:
        if "%(user)s" not in template:
            raise ImproperlyConfigured(
                f"TOYZ_LDAP_USER_DN_TEMPLATE={template!r} has no %(user)s; write uid=%(user)s,ou=people,dc=example,dc=org."
            )
        found["AUTH_LDAP_USER_DN_TEMPLATE"] = template
    elif search_base:
        user_filter = env_optional("TOYZ_LDAP_USER_FILTER") or "(uid=%(user)s)"
        _check_filter("TOYZ_LDAP_USER_FILTER", user_filter)
        found["AUTH_LDAP_USER_SEARCH"] = LDAPSearch(search_base, ldap.SCOPE_SUBTREE, user_filter)
    else:
        raise ImproperlyConfigured(
            "TOYZ_LDAP_URL is set but not how to find a user in it: set TOYZ_LDAP_USER_DN_TEMPLATE "
            "(uid=%(user)s,ou=people,dc=example,dc=org) or TOYZ_LDAP_USER_SEARCH_BASE (ou=people,dc=example,dc=org)."
        )

    attributes = {
        "first_name": _attribute("TOYZ_LDAP_FIRST_NAME_ATTR", "givenName"),
        "last_name": _attribute("TOYZ_LDAP_LAST_NAME_ATTR", "sn"),
        "email": _attribute("TOYZ_LDAP_EMAIL_ATTR", "mail"),
    }
    found["AUTH_LDAP_USER_ATTR_MAP"] = {field: attr for field, attr in attributes.items() if attr}

    timeout = env_int("TOYZ_LDAP_TIMEOUT", 5, minimum=1, maximum=120)
    # An unreachable server fails the sign-in after `timeout` seconds instead of hanging the login page.
    options: dict[int, Any] = {ldap.OPT_NETWORK_TIMEOUT: timeout, ldap.OPT_TIMEOUT: timeout, ldap.OPT_REFERRALS: 0}
    ca_file = env_optional("TOYZ_LDAP_CA_FILE")
    if ca_file:
        if not Path(ca_file).is_file():
            raise ImproperlyConfigured(f"TOYZ_LDAP_CA_FILE={ca_file!r} is not a file; point it at the CA's PEM file.")
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
        # Last: a new TLS context picks up the options set before it.
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    found["AUTH_LDAP_CONNECTION_OPTIONS"] = options

    group_types = {
        "groupofnames": GroupOfNamesType,
        "groupofuniquenames": GroupOfUniqueNamesType,
        "posixgroup": PosixGroupType,
    }
    group_base = env_optional("TOYZ_LDAP_GROUP_SEARCH_BASE")
    flags = {
        "is_staff": env_optional("TOYZ_LDAP_STAFF_GROUP"),
        "is_superuser": env_optional("TOYZ_LDAP_SUPERUSER_GROUP"),
    }
    require_group = env_optional("TOYZ_LDAP_REQUIRE_GROUP")
    if group_base:
        group_type = env_optional("TOYZ_LDAP_GROUP_TYPE") or "groupOfNames"
        group_class = group_types.get(group_type.lower())
        if group_class is None:
            raise ImproperlyConfigured(
                f"TOYZ_LDAP_GROUP_TYPE={group_type!r} is not one of groupOfNames, groupOfUniqueNames, posixGroup."
            )
        object_class = {"groupofnames": "groupOfNames", "groupofuniquenames": "groupOfUniqueNames"}.get(
            group_type.lower(), "posixGroup"
        )
        found["AUTH_LDAP_GROUP_SEARCH"] = LDAPSearch(group_base, ldap.SCOPE_SUBTREE, f"(objectClass={object_class})")
        # A group's cn becomes the Toyz group's name: a grant to "observers" reaches the LDAP group observers.
        found["AUTH_LDAP_GROUP_TYPE"] = group_class(name_attr="cn")
        if env_bool("TOYZ_LDAP_MIRROR_GROUPS", True):
            local_groups = env_list("TOYZ_LDAP_LOCAL_GROUPS", [])
            if local_groups:
                # Groups that admins fill by hand in Toyz: a sign-in neither adds nor removes their members.
                found["AUTH_LDAP_MIRROR_GROUPS_EXCEPT"] = local_groups
            else:
                found["AUTH_LDAP_MIRROR_GROUPS"] = True
        found["AUTH_LDAP_USER_FLAGS_BY_GROUP"] = {flag: dn for flag, dn in flags.items() if dn}
        if require_group:
            found["AUTH_LDAP_REQUIRE_GROUP"] = require_group
    else:
        needing = [name for name, value in (
            ("TOYZ_LDAP_STAFF_GROUP", flags["is_staff"]),
            ("TOYZ_LDAP_SUPERUSER_GROUP", flags["is_superuser"]),
            ("TOYZ_LDAP_REQUIRE_GROUP", require_group),
        ) if value]  # fmt: skip
        if needing:
            raise ImproperlyConfigured(
                f"{', '.join(needing)} needs TOYZ_LDAP_GROUP_SEARCH_BASE (where the groups are) to be set too."
            )
    return found
