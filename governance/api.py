"""REST API for governance, all read-only: bodies and memberships, meetings, decisions, action items, reports.

Every queryset is ``plans.access.restrict(queryset, user)``, the rule of the web pages; rows
outside it are 404 (secretariat, kommune and boligorganisation roles see every meeting of their
plans, a board member the board's meetings, a styregruppemedlem their group's, anyone the meetings
they are invited to; a report only its audience).
``GET /api/v1/reports/{id}/pdf/`` answers a finished report's PDF (404 while it is not done).
"""

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.reverse import reverse

from plans.access import restrict
from plans.api_support import BooleanFilter, IntegerFilter, text_filter
from plans.converters import DATABASE_ID_REGEX

from .models import ActionItem, AgendaItem, Body, Decision, Meeting, Membership, StatusReport


class BodyFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", help_text="Helhedsplanens id.")
    kind = filters.ChoiceFilter(choices=Body.Kind.choices)

    class Meta:
        model = Body
        fields = ["plan", "kind"]


class MembershipFilter(filters.FilterSet):
    body = IntegerFilter(field_name="body_id", help_text="Organets id.")
    plan = IntegerFilter(field_name="body__plan_id", help_text="Helhedsplanens id.")
    role = filters.ChoiceFilter(choices=Membership.Role.choices)

    class Meta:
        model = Membership
        fields = ["body", "plan", "role"]


class BodySerializer(serializers.ModelSerializer):
    class Meta:
        model = Body
        fields = [
            "id",
            "plan",
            "kind",
            "name",
            "mandate",
            "escalation_threshold",
            "meetings_per_year",
            "sub_agreements",
        ]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "body",
            "person",
            "person_name",
            "role",
            "organisation",
            "organisation_name",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    """Organer (bestyrelser og styregrupper) i de planer brugeren kan se."""

    serializer_class = BodySerializer
    filterset_class = BodyFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(Body.objects.all(), self.request.user)
            .prefetch_related("sub_agreements")
            .order_by("plan_id", "kind", "name", "pk")
        )


class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Medlemskaber af organerne i de planer brugeren kan se."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(Membership.objects.all(), self.request.user)
            .select_related("person", "organisation")
            .order_by("body_id", "role", "person__name", "pk")
        )


# --- meetings, decisions, action items ----------------------------------------------------------


class MeetingFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="body__plan_id", help_text="Helhedsplanens id.")
    body = IntegerFilter(field_name="body_id", help_text="Organets id.")
    kind = filters.ChoiceFilter(choices=Meeting.Kind.choices)
    status = filters.ChoiceFilter(choices=Meeting.Status.choices)
    starts_after = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", help_text="Møder fra denne dato (ÅÅÅÅ-MM-DD)."
    )
    starts_before = filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", help_text="Møder til og med denne dato (ÅÅÅÅ-MM-DD)."
    )

    class Meta:
        model = Meeting
        fields = ["plan", "body", "kind", "status", "starts_after", "starts_before"]


class DecisionFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="agenda_item__meeting__body__plan_id", help_text="Helhedsplanens id.")
    meeting = IntegerFilter(field_name="agenda_item__meeting_id", help_text="Mødets id.")
    body = IntegerFilter(field_name="agenda_item__meeting__body_id", help_text="Organets id.")
    is_current = BooleanFilter(help_text="Kun gældende versioner (true) eller kun tidligere (false).")

    class Meta:
        model = Decision
        fields = ["plan", "meeting", "body", "is_current"]


class ActionItemFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="decision__agenda_item__meeting__body__plan_id", help_text="Helhedsplanens id.")
    meeting = IntegerFilter(field_name="decision__agenda_item__meeting_id", help_text="Mødets id.")
    decision = IntegerFilter(field_name="decision_id", help_text="Beslutningens id.")
    owner = IntegerFilter(field_name="owner_id", help_text="Den ansvarlige persons id.")
    status = filters.ChoiceFilter(choices=ActionItem.Status.choices)
    overdue = BooleanFilter(method="filter_overdue", help_text="Åbne handlingspunkter over fristen.")

    class Meta:
        model = ActionItem
        fields = ["plan", "meeting", "decision", "owner", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": ActionItem.Status.OPEN, "due_date__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "kind", "is_follow_up"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="body.plan_id", read_only=True)
    body_name = serializers.CharField(source="body.name", read_only=True)
    video_link = serializers.CharField(read_only=True, help_text="Videolink; tom tekst hvis mødet ikke har et.")
    agenda_items = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "plan",
            "body",
            "body_name",
            "kind",
            "invited_bodies",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "video_link",
            "status",
            "agenda_sent_at",
            "agenda_items",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="agenda_item.meeting.body.plan_id", read_only=True)
    meeting = serializers.IntegerField(source="agenda_item.meeting_id", read_only=True)
    agenda_item_title = serializers.CharField(source="agenda_item.title", read_only=True)
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "plan",
            "meeting",
            "agenda_item",
            "agenda_item_title",
            "version",
            "is_current",
            "text",
            "correction_reason",
            "locked_at",
            "created_at",
            "actions",
        ]
        read_only_fields = fields


class ActionItemSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="decision.agenda_item.meeting.body.plan_id", read_only=True)
    meeting = serializers.IntegerField(source="decision.agenda_item.meeting_id", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "plan",
            "meeting",
            "decision",
            "title",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "note",
            "created_at",
            "is_overdue",
        ]
        read_only_fields = fields

    def get_is_overdue(self, action_item: ActionItem) -> bool:
        return action_item.is_overdue(self.context.setdefault("today", timezone.localdate()))


@extend_schema_view(list=extend_schema(summary="Møder", description="Møder brugeren kan se, som på mødesiderne."))
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Møder with their agenda items, scoped like the meeting pages."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(Meeting.objects.all(), self.request.user)
            .select_related("body")
            .prefetch_related(
                "invited_bodies",
                Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            )
            .order_by("starts_at", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Beslutninger", description="Beslutninger (alle versioner) fra møder brugeren kan se.")
)
class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Beslutninger of the visible meetings, every version (``is_current`` marks the valid one)."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(Decision.objects.all(), self.request.user)
            .select_related("agenda_item__meeting__body")
            .prefetch_related(Prefetch("actions", queryset=ActionItem.objects.order_by("due_date", "pk")))
            .order_by("agenda_item__meeting__starts_at", "agenda_item__position", "version", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Handlingspunkter", description="Handlingspunkter fra beslutninger brugeren kan se.")
)
class ActionItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Handlingspunkter of the visible meetings' decisions."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(ActionItem.objects.all(), self.request.user)
            .select_related("owner", "decision__agenda_item__meeting__body")
            .order_by("due_date", "pk")
        )


# --- status reports -----------------------------------------------------------------------------


class StatusReportFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", help_text="Helhedsplanens id.")
    period = text_filter(7, field_name="period", help_text="Kvartal, fx 2026-Q3.")
    kind = filters.ChoiceFilter(choices=StatusReport.Kind.choices)
    state = filters.ChoiceFilter(choices=StatusReport.State.choices)
    audience = filters.ChoiceFilter(choices=StatusReport.Audience.choices)

    class Meta:
        model = StatusReport
        fields = ["plan", "period", "kind", "state", "audience"]


class StatusReportSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField(help_text="Adressen på PDF'en, når rapporten er færdig.")

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "plan",
            "period",
            "kind",
            "audience",
            "audience_body",
            "version",
            "state",
            "page_count",
            "snapshot_sha256",
            "requested_via",
            "created_at",
            "started_at",
            "finished_at",
            "distributed_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report: StatusReport) -> str | None:
        if report.state != StatusReport.State.DONE or not report.pdf:
            return None
        return reverse("api:status-report-pdf", args=[report.pk], request=self.context.get("request"))


@extend_schema_view(
    list=extend_schema(
        summary="Statusrapporter", description="Pixi- og fulde statusrapporter for de planer brugeren kan se."
    )
)
class StatusReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Statusrapporter (every version) the user may read (``plans.access``),
    and their PDFs: a steering group's reports to its members, the board's to board members."""

    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(StatusReport.objects.all(), self.request.user)
            .defer("snapshot")
            .order_by("plan_id", "-period", "kind", "-version", "pk")
        )

    def perform_content_negotiation(self, request, force=False):
        # The PDF itself is a FileResponse; errors of the pdf action are JSON whatever the client accepts.
        if self.action == "pdf":
            return (JSONRenderer(), JSONRenderer.media_type)
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        summary="Statusrapportens PDF",
        description="PDF'en for en færdig rapport; 404 hvis rapporten ikke er færdig eller ikke findes for brugeren.",
        responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF")},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf", filterset_class=None, pagination_class=None)
    def pdf(self, request, pk=None, format=None):
        # The router adds format suffixes (pdf.json, pdf.api) to every route; a PDF has no other format.
        if format is not None:
            raise Http404(_("Ikke fundet."))
        report = self.get_object()
        if report.state != StatusReport.State.DONE or not report.pdf:
            raise Http404(_("Rapporten er ikke færdig."))
        try:
            handle = report.pdf.open("rb")
        except FileNotFoundError:
            raise Http404(_("Rapportens fil mangler.")) from None
        return FileResponse(handle, content_type="application/pdf", filename=report.filename)


ROUTES = [
    ("bodies", BodyViewSet, "body"),
    ("memberships", MembershipViewSet, "membership"),
    ("meetings", MeetingViewSet, "meeting"),
    ("decisions", DecisionViewSet, "decision"),
    ("action-items", ActionItemViewSet, "action-item"),
    ("reports", StatusReportViewSet, "status-report"),
]
