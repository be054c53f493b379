from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Commitment,
    CommitmentDelivery,
    CooperationAgreement,
    HousingArea,
    HousingDepartment,
    Intervention,
    Organisation,
    Person,
    Plan,
    RoleAssignment,
    Secretariat,
    SubAgreement,
    ThematicArea,
)
from .services import commitment_recompute_delivered


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code")


@admin.register(HousingArea)
class HousingAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "municipality", "residents")
    list_filter = ("municipality",)
    search_fields = ("name", "code")


@admin.register(HousingDepartment)
class HousingDepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "housing_org", "area")
    list_filter = ("housing_org",)
    search_fields = ("name", "number")


@admin.register(Secretariat)
class SecretariatAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "email")


@admin.register(ThematicArea)
class ThematicAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "funding_period", "position")
    list_filter = ("funding_period",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "organisation", "email", "user")
    search_fields = ("name", "email")
    list_select_related = ("organisation", "user")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "municipality",
        "secretariat",
        "funding_period",
        "phase",
        "start_date",
        "end_date",
    )
    list_filter = ("phase", "funding_period", "municipality")
    search_fields = ("name",)
    filter_horizontal = ("housing_organisations", "areas")
    list_select_related = ("municipality", "secretariat")


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(SimpleHistoryAdmin):
    """Read-only: versions are drafted and approved in the portal (Samarbejdsaftale on the plan page),
    which writes the approved version here for målstyring to point at."""

    list_display = ("title", "plan", "version", "status", "approved_by_board_on", "approved_by_lbf_on")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SubAgreement)
class SubAgreementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "plan", "thematic_area")
    list_filter = ("thematic_area",)
    filter_horizontal = ("parties",)
    list_select_related = ("plan", "thematic_area")


class PartyChoicesMixin:
    """On an existing row, the organisation field offers only its plan's parties (``Plan.parties``);
    the model refuses any other organisation in every case (``clean``)."""

    party_field = ""
    include_funders = False

    def plan_of(self, obj) -> Plan:
        raise NotImplementedError

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and self.party_field in form.base_fields:
            parties = self.plan_of(obj).parties(include_funders=self.include_funders)
            form.base_fields[self.party_field].queryset = parties.order_by("name")
        return form


@admin.register(Intervention)
class InterventionAdmin(PartyChoicesMixin, SimpleHistoryAdmin):
    list_display = ("name", "sub_agreement", "responsible_partner", "status")
    list_filter = ("status",)
    search_fields = ("name", "description")
    list_select_related = ("sub_agreement", "responsible_partner")
    party_field = "responsible_partner"

    def plan_of(self, obj: Intervention) -> Plan:
        return obj.sub_agreement.plan


@admin.register(Commitment)
class CommitmentAdmin(PartyChoicesMixin, SimpleHistoryAdmin):
    list_display = ("party", "plan", "year", "form", "status", "amount", "hours", "delivered_amount")
    list_filter = ("form", "year", "status")
    readonly_fields = ("delivered_amount", "delivered_hours")
    list_select_related = ("party", "plan")
    party_field = "party"
    include_funders = True

    def plan_of(self, obj: Commitment) -> Plan:
        return obj.plan


@admin.register(CommitmentDelivery)
class CommitmentDeliveryAdmin(SimpleHistoryAdmin):
    """Deliveries; saving or deleting one here updates its commitment's delivered sums like the pages do."""

    list_display = ("commitment", "date", "amount", "hours", "recorded_by")
    list_select_related = ("commitment__party", "commitment__plan", "recorded_by")
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        commitment_recompute_delivered(commitment=obj.commitment)

    def delete_model(self, request, obj):
        commitment = obj.commitment
        super().delete_model(request, obj)
        commitment_recompute_delivered(commitment=commitment)

    def delete_queryset(self, request, queryset):
        commitments = list(Commitment.objects.filter(pk__in=queryset.values("commitment")))
        super().delete_queryset(request, queryset)
        for commitment in commitments:
            commitment_recompute_delivered(commitment=commitment)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "organisation", "secretariat", "plan", "sub_agreement")
    list_filter = ("role",)
    search_fields = ("user__username",)
    list_select_related = ("user", "organisation", "secretariat", "plan", "sub_agreement")
