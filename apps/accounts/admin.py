from django.contrib import admin

from apps.accounts.forms import AdminLoginForm
from apps.accounts.models import Profile

# The admin's login says so too when the department's directory cannot be reached.
admin.site.login_form = AdminLoginForm


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "home")
    search_fields = ("user__username", "home")
    readonly_fields = ("home",)
