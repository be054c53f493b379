from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, IdempotencyKey
from .services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their users (profile page or issue_api_token); admins can only revoke them."""

    list_display = ("name", "user", "key_prefix", "created", "last_used", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "key_prefix")
    readonly_fields = ("user", "name", "key_prefix", "created", "last_used", "expires_at", "revoked_at")
    exclude = ("key_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Tilbagekald valgte tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, _("Tokens er tilbagekaldt."), messages.SUCCESS)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "user", "method", "path", "response_status", "created")
    search_fields = ("key", "user__username", "path")
    readonly_fields = [field.name for field in IdempotencyKey._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
