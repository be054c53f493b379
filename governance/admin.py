from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from governance.agreements.models import AgreementVersion, InterventionAdjustment
from governance.bodies.models import Board, Membership, SteeringGroup
from governance.meetings.models import (
    ActionItem,
    AgendaItem,
    Attachment,
    CalendarToken,
    Decision,
    Guest,
    Meeting,
    Minutes,
    MinutesItem,
    ReminderLog,
    SendOut,
    SendOutDelivery,
    SendOutReminder,
)
from governance.reports.models import StatusReport


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("person",)

    def get_formset(self, request, obj=None, **kwargs):
        """Seats represent parties of the body's plan (``Plan.parties``, funders included)."""
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "organisation" in formset.form.base_fields:
            parties = obj.plan.parties(include_funders=True).order_by("name")
            formset.form.base_fields["organisation"].queryset = parties
        return formset


@admin.register(Board)
class BoardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "plan", "kind", "meetings_per_year", "escalation_threshold", "quorum")
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
    list_display = ("person", "body", "role", "organisation", "leadership_level", "start_date", "end_date")
    list_filter = ("role", "body__kind", "leadership_level")
    autocomplete_fields = ("person",)
    list_select_related = ("person", "body", "organisation")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "organisation" in form.base_fields:
            form.base_fields["organisation"].queryset = obj.body.plan.parties(include_funders=True).order_by("name")
        return form


# --- Meetings, agendas, minutes and decisions ---------------------------------------------------


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "title", "kind", "presenter", "is_follow_up")
    readonly_fields = ("is_follow_up",)
    show_change_link = True


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title", "body", "kind", "starts_at", "status", "agenda_sent_at")
    list_filter = ("status", "kind", "body__kind")
    search_fields = ("title", "body__name", "body__plan__name")
    list_select_related = ("body",)
    filter_horizontal = ("invited_bodies",)
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class GuestInline(admin.TabularInline):
    model = Guest
    extra = 0
    autocomplete_fields = ("person",)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Uploads go through the portal, where the content is checked.
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "meeting", "position", "kind", "is_follow_up")
    list_filter = ("kind", "is_follow_up")
    search_fields = ("title", "meeting__title")
    list_select_related = ("meeting",)
    autocomplete_fields = ("presenter",)
    filter_horizontal = ("sub_agreements", "interventions", "goals")
    exclude = ("carried_actions",)
    inlines = [GuestInline, AttachmentInline]
    ITEM_FIELDS = ("meeting", "position", "title", "kind", "description", "recommendation", "presenter")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.meeting.is_minutes_approved:
            return (*self.ITEM_FIELDS, "sub_agreements", "interventions", "goals", "is_follow_up")
        return ("is_follow_up",)


@admin.register(Attachment)
class AttachmentAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "agenda_item", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("agenda_item", "uploaded_by")
    readonly_fields = (
        "file",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "version", "approved_at", "approved_by")
    list_select_related = ("meeting", "approved_by")
    readonly_fields = ("meeting", "version", "approved_at", "approved_by", "correction_reason")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MinutesItem)
class MinutesItemAdmin(SimpleHistoryAdmin):
    list_display = ("agenda_item",)
    list_select_related = ("agenda_item",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.agenda_item.meeting.is_minutes_approved:
            return ("agenda_item", "discussion")
        return ()


class ActionItemInline(admin.TabularInline):
    """Status and notes can be followed up here; new actions on a locked decision need a correction."""

    model = ActionItem
    extra = 0
    fields = ("title", "owner", "due_date", "status", "note")
    autocomplete_fields = ("owner",)

    def has_add_permission(self, request, obj=None):
        return not (obj is not None and obj.is_locked) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_locked) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("title", "owner", "due_date") if obj is not None and obj.is_locked else ()


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    """A locked decision is read-only here too: corrections are new versions made in the portal."""

    list_display = ("agenda_item", "version", "is_current", "locked_at", "created_by")
    list_filter = ("is_current",)
    search_fields = ("text", "agenda_item__title")
    list_select_related = ("agenda_item", "created_by")
    inlines = [ActionItemInline]
    LOCKED_FIELDS = (
        "agenda_item",
        "version",
        "is_current",
        "text",
        "correction_reason",
        "locked_at",
        "created_by",
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return self.LOCKED_FIELDS
        return ("locked_at", "is_current", "version")

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "owner", "due_date", "status", "decision")
    list_filter = ("status",)
    search_fields = ("title", "owner__name")
    autocomplete_fields = ("owner",)
    list_select_related = ("owner", "decision")
    raw_id_fields = ("decision",)


class SendOutDeliveryInline(admin.TabularInline):
    model = SendOutDelivery
    extra = 0
    fields = ("name", "role", "kind", "email", "status", "attempts", "error", "sent_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SendOut)
class SendOutAdmin(SimpleHistoryAdmin):
    """Send-outs are jobs (common/jobs.py): shown with their delivery log and history, never edited."""

    list_display = ("meeting", "state", "attempts", "is_resend", "requested_at", "sent_at", "recipients_count")
    list_filter = ("state", "is_resend")
    list_select_related = ("meeting",)
    readonly_fields = [f.name for f in SendOut._meta.fields]
    inlines = [SendOutDeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(SendOutReminder)
class SendOutReminderAdmin(admin.ModelAdmin):
    list_display = ("meeting", "kind", "email", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("meeting",)
    readonly_fields = ("meeting", "kind", "email", "sent_at")

    def has_add_permission(self, request):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "email", "actions_count", "sent_at")
    list_filter = ("kind",)
    readonly_fields = ("day", "kind", "email", "actions_count", "sent_at")

    def has_add_permission(self, request):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "token_hint", "created_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "token_hint", "created_at")

    def has_add_permission(self, request):
        return False


# --- Status reports (pixi and full) ------------------------------------------------------------


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    """Reports are made by the job, never edited by hand: the admin only shows them."""

    list_display = (
        "plan",
        "period",
        "kind",
        "audience",
        "audience_body",
        "version",
        "state",
        "attempts",
        "requested_via",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "audience", "state", "requested_via")
    list_select_related = ("plan", "audience_body")
    search_fields = ("plan__name", "period")
    readonly_fields = [field.name for field in StatusReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Versioned agreements (drafted and approved in the portal; read-only here) --------------------


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "plan", "sub_agreement", "number", "status", "origin", "approved_on", "decision")
    list_filter = ("status", "origin")
    list_select_related = ("plan", "sub_agreement", "decision")
    search_fields = ("title", "plan__name")


@admin.register(InterventionAdjustment)
class InterventionAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ("intervention", "changed_at", "changed_by", "decision")
    list_select_related = ("intervention", "changed_by", "decision")
