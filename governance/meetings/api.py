"""REST API for meetings, decisions and action items, all read-only and scoped by ``plans.access``."""

from django.db.models import Prefetch
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from plans.access import restrict
from plans.api_lean import LeanListMixin
from plans.api_support import BooleanFilter, IntegerFilter
from plans.converters import DATABASE_ID_REGEX


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


def _overdue(row: dict, context: dict) -> bool:
    """``ActionItem.is_overdue`` of a ``.values()`` row (the lean list)."""
    today = context.setdefault("today", timezone.localdate())
    return row["status"] == ActionItem.Status.OPEN and row["due_date"] < today


@extend_schema_view(list=extend_schema(summary="Møder", description="Møder brugeren kan se, som på mødesiderne."))
class MeetingViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Møder with their agenda items, scoped like the meeting pages."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    lean_related_order = {"agenda_items": ("position", "pk")}
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
class DecisionViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Beslutninger of the visible meetings, every version (``is_current`` marks the valid one)."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    lean_related_order = {"actions": ("due_date", "pk")}
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
class ActionItemViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Handlingspunkter of the visible meetings' decisions."""

    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    lean_methods = {"is_overdue": (["status", "due_date"], lambda row, context: _overdue(row, context))}
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(ActionItem.objects.all(), self.request.user)
            .select_related("owner", "decision__agenda_item__meeting__body")
            .order_by("due_date", "pk")
        )


ROUTES = [
    ("meetings", MeetingViewSet, "meeting"),
    ("decisions", DecisionViewSet, "decision"),
    ("action-items", ActionItemViewSet, "action-item"),
]
