"""Users in the admin: deactivated, never deleted, so their history stays (issue 8)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from teams import team_cache
from teams.models import AuditEntry

from .api_tokens import user_tokens_revoke
from .models import ApiToken
from .users import user_deactivate

User = get_user_model()


@admin.action(description=_("Deactivate the selected users (their history is kept)"))
def deactivate_users(modeladmin, request, queryset):
    count = 0
    for user in queryset.filter(is_active=True):
        user_deactivate(user=user, by=request.user)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(n)d user deactivated.", "%(n)d users deactivated.", count) % {"n": count},
        messages.SUCCESS,
    )


@admin.action(description=_("Revoke the API tokens of the selected users"))
def revoke_api_tokens(modeladmin, request, queryset):
    count = sum(user_tokens_revoke(user) for user in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(n)d API token revoked.", "%(n)d API tokens revoked.", count) % {"n": count},
        messages.SUCCESS,
    )


class PacUserAdmin(team_cache.AdminMixin, UserAdmin):
    actions = [deactivate_users, revoke_api_tokens]

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the person's actions, figures and payouts with them.
        return False

    def save_related(self, request, form, formsets, change):
        # The groups are saved here: the audit log names whoever changed the roles.
        form.instance.roles_changed_by = request.user
        super().save_related(request, form, formsets, change)


admin.site.unregister(User)
admin.site.register(User, PacUserAdmin)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_name", "kind", "object_repr", "team"]
    # team is nullable: the change list's automatic select_related() would skip it.
    list_select_related = ["team"]
    list_filter = ["kind", "team"]
    search_fields = ["actor_name", "object_repr"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds a token and until when; deleting one revokes it. The token itself is not kept."""

    list_display = ["user", "token_key", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "token_key", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # tokens are issued by signing in to the API

    def has_change_permission(self, request, obj=None):
        return False
