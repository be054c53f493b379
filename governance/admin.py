from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Board, Membership, StatusReport, SteeringGroup


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "plan", "kind", "meetings_per_year", "escalation_threshold")
    list_filter = ("kind",)
    exclude = ("sub_agreements",)
    inlines = [MembershipInline]


@admin.register(SteeringGroup)
class SteeringGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "plan", "kind")
    list_filter = ("kind",)
    filter_horizontal = ("sub_agreements",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("person", "body", "role", "organisation", "start_date", "end_date")
    list_filter = ("role", "body__kind")
    autocomplete_fields = ("person",)
    list_select_related = ("person", "body", "organisation")


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    """Reports are made by the job, never edited by hand: the admin only shows them."""

    list_display = ("plan", "period", "kind", "version", "state", "requested_via", "created_at", "finished_at")
    list_filter = ("kind", "state", "requested_via")
    list_select_related = ("plan",)
    search_fields = ("plan__name", "period")
    readonly_fields = [field.name for field in StatusReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
