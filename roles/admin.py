"""Staff contacts are edited on the user's own admin page, where the administrator already manages the account."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from roles.models import StaffContact

User = get_user_model()


class StaffContactInline(admin.StackedInline):
    model = StaffContact
    can_delete = True
    extra = 0
    max_num = 1


class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffContactInline]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
