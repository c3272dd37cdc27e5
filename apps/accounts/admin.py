from django.contrib import admin

from apps.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ("user", "home")
    search_fields = ("user__username", "home")
    readonly_fields = ("home",)
