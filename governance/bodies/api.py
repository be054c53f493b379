"""REST API for bodies and memberships, read-only and scoped by ``plans.access``."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from governance.bodies.models import Body, Membership
from plans.access import restrict
from plans.api_lean import LeanListMixin
from plans.api_support import IntegerFilter
from plans.converters import DATABASE_ID_REGEX


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
            "quorum",
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
            "leadership_level",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields


class BodyViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
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


class MembershipViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
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


ROUTES = [
    ("bodies", BodyViewSet, "body"),
    ("memberships", MembershipViewSet, "membership"),
]
