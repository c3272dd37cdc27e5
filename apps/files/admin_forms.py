"""The forms of the folder grants admin: a path chosen with the folder picker, and one row per holder."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.files import grants
from apps.files.models import NONE_CODENAME, PathGrant
from apps.files.permissions import Right, implied
from apps.files.resolver import MAX_PATH_LENGTH, confine
from workers.errors import ToyzError

#: The rights a holder can have, each implying the ones above it; "none" hides the subtree from them.
RIGHTS_CHOICES = [
    ("list", "list"),
    ("read", "read (and list)"),
    ("write", "write (read and list)"),
    ("none", "none (hides the subtree)"),
]
_RIGHTS_OF_CHOICE: dict[str, frozenset[Right]] = {
    "list": implied([Right.LIST]),
    "read": implied([Right.READ]),
    "write": implied([Right.WRITE]),
    "none": frozenset(),
}


def choice_of(rights: frozenset[Right]) -> str:
    """The form's choice for a set of rights (the strongest one; "none" when empty)."""
    for right in (Right.WRITE, Right.READ, Right.LIST):
        if right in rights:
            return right.value
    return "none"


def holder_key(holder: grants.Holder) -> str:
    """ "user:<id>" or "group:<id>": how a holder travels through a form."""
    return f"group:{holder.pk}" if isinstance(holder, Group) else f"user:{holder.pk}"


def holder_of(key: str) -> grants.Holder | None:
    """The user or group a form's key names (None when it was deleted meanwhile)."""
    kind, _, pk = key.partition(":")
    if not pk.isdigit():
        return None
    if kind == "group":
        return Group.objects.filter(pk=int(pk)).first()
    if kind == "user":
        found: AbstractBaseUser | None = get_user_model().objects.filter(pk=int(pk)).first()
        return found
    return None


def holder_label(holder: grants.Holder) -> str:
    return f"group {holder.name}" if isinstance(holder, Group) else f"user {holder.get_username()}"


def holders_of(grant: PathGrant) -> list[tuple[grants.Holder, frozenset[Right]]]:
    """Who holds rights on a grant, and which (implied ones included; empty for "none"): groups first."""
    content_type = ContentType.objects.get_for_model(PathGrant)
    found: dict[str, tuple[grants.Holder, set[Right]]] = {}
    group_rows = GroupObjectPermission.objects.filter(content_type=content_type, object_pk=str(grant.pk))
    user_rows = UserObjectPermission.objects.filter(content_type=content_type, object_pk=str(grant.pk))
    rows: list[tuple[grants.Holder, str]] = [
        *((row.group, row.permission.codename) for row in group_rows.select_related("group", "permission")),
        *((row.user, row.permission.codename) for row in user_rows.select_related("user", "permission")),
    ]
    for holder, codename in rows:
        entry = found.setdefault(holder_key(holder), (holder, set()))
        if codename != NONE_CODENAME:
            entry[1].add(Right(codename.removesuffix("_path")))
    ordered = sorted(found.values(), key=lambda item: (not isinstance(item[0], Group), holder_label(item[0])))
    return [(holder, implied(rights)) for holder, rights in ordered]


def is_missing(path: str) -> bool:
    """Whether a granted path no longer exists in the data root (deleted or renamed since)."""
    try:
        confine(path)
    except ToyzError:
        return True
    return False


def holder_choices() -> list[tuple[str, Any]]:
    """The select's options: groups, then active users, each sorted by name."""
    groups = [(f"group:{pk}", name) for pk, name in Group.objects.order_by("name").values_list("pk", "name")]
    model = get_user_model()
    users = [
        (f"user:{pk}", name)
        for pk, name in model.objects.filter(is_active=True)
        .order_by(model.USERNAME_FIELD)
        .values_list("pk", model.USERNAME_FIELD)
    ]
    return [("", "---------"), ("Groups", groups), ("Users", users)]


class PathField(forms.CharField):
    """A path inside the data root, typed or chosen with the folder picker (static/toyz/admin-grants.js)."""

    def __init__(self, *, picker_url: str, **kwargs: Any) -> None:
        attrs = {
            "class": "vTextField folder-picker-input",
            "data-folder-picker": picker_url,
            "autocomplete": "off",
            "spellcheck": "false",
            "placeholder": "choose a folder below, or type its path",
        }
        super().__init__(max_length=MAX_PATH_LENGTH, widget=forms.TextInput(attrs=attrs), **kwargs)


class GrantForm(forms.Form):
    """The grant's path (fixed once the grant exists) and its note."""

    path = PathField(picker_url="", required=False, label="Folder or file", strip=False)
    note = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"class": "vTextField"}))

    def __init__(self, *args: Any, existing: PathGrant | None, picker_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.fields["path"].widget.attrs["data-folder-picker"] = picker_url
        if existing is not None:
            self.fields["path"].disabled = True
            self.fields["path"].initial = existing.path
            self.fields["note"].initial = existing.note

    def clean_path(self) -> str:
        if self.existing is not None:
            return self.existing.path
        raw = str(self.cleaned_data.get("path") or "")
        if not raw.strip():
            raise ValidationError('Choose a folder with the picker below ("/" is the whole data root).')
        try:
            path = grants.grant_path(raw)
        except ToyzError as exc:
            raise ValidationError(exc.message) from None
        if PathGrant.objects.filter(path=path).exists():
            shown = path or "The data root"
            raise ValidationError(f"{shown} already has a grant: open it in the list and add the holder there.")
        return path


class HolderForm(forms.Form):
    """One user or group and their rights on the grant's path."""

    holder = forms.ChoiceField(required=False, label="User or group")
    rights = forms.ChoiceField(choices=RIGHTS_CHOICES, initial="read")

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder_field = self.fields["holder"]
        assert isinstance(holder_field, forms.ChoiceField)
        holder_field.choices = choices

    @property
    def rights_wanted(self) -> frozenset[Right]:
        return _RIGHTS_OF_CHOICE[self.cleaned_data["rights"]]


class BaseHolderFormSet(forms.BaseFormSet[HolderForm]):
    def __init__(self, *args: Any, choices: list[tuple[str, Any]], adding: bool, **kwargs: Any) -> None:
        self.choices = choices
        self.adding = adding
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"choices": self.choices}

    @property
    def empty_form(self) -> HolderForm:
        form = HolderForm(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), choices=self.choices)
        self.add_fields(form, None)
        return form

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        kept = 0
        for form in self.forms:
            key = form.cleaned_data.get("holder")
            if not key or form.cleaned_data.get("DELETE"):
                continue
            if key in seen:
                raise ValidationError("A user or group appears twice: give each one a single row.")
            seen.add(key)
            kept += 1
        if self.adding and not kept:
            raise ValidationError("Give the grant to at least one user or group.")


HolderFormSet = cast(
    type[BaseHolderFormSet], forms.formset_factory(HolderForm, formset=BaseHolderFormSet, extra=2, can_delete=True)
)


class AccessForm(forms.Form):
    """The effective access page's question: a user, a path, or both."""

    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, empty_label="— a user —")
    path = PathField(picker_url="", required=False, label="Path", strip=False)

    def __init__(self, *args: Any, picker_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model = get_user_model()
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = model.objects.order_by(model.USERNAME_FIELD)
        self.fields["path"].widget.attrs["data-folder-picker"] = picker_url
