"""REST API for the plans app: plans, sub-agreements (read-only), interventions and commitments.

Who may do what (the same rule as the web pages, from ``plans.access``):
- Everyone reads what ``Action.VIEW`` gives them; anything else is 404.
- Interventions: created and changed by users with ``Action.CHANGE`` on the delaftale's indsatser
  (sekretariat, the styregruppe owning it, boligorganisation staff of plans their organisation
  is party to). ``POST`` takes one object or a list (bulk, all-or-nothing).
- Commitments are kept by those who pay: a kommunal koordinator creates and changes the kommune's
  and its forvaltningers, a boligorganisation's staff their organisation's. A sekretariatsleder may
  create one for any party; for a kommune or boligorganisation it is a *proposal* (``status``) the
  party confirms on the plan's co-financing page (``plans.access.may_commit`` / ``owns_commitment``).
- Deliveries (``commitment-deliveries``) are recorded by the same owners against confirmed commitments;
  ``delivered_amount``/``delivered_hours`` of a commitment are their sums (read-only).
- A visible object the user may not change answers 403; nothing is ever deleted through the API.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from . import access
from .api_lean import LeanListMixin
from .api_support import (
    BulkCreateMixin,
    IntegerFilter,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceUpdateModelMixin,
    bulk_create_request,
    serializer_scope,
    validation_error_detail,
)
from .converters import DATABASE_ID_REGEX
from .models import (
    Commitment,
    CommitmentDelivery,
    FundingPeriod,
    Intervention,
    Organisation,
    Plan,
    SubAgreement,
    not_a_party_message,
)
from .services import (
    commitment_create,
    commitment_delivery_add,
    commitment_update,
    intervention_create,
    intervention_create_many,
    intervention_update,
)

# --- filters ------------------------------------------------------------------------------------


class PlanFilter(filters.FilterSet):
    municipality = IntegerFilter(field_name="municipality_id", help_text="Kommunens id.")
    secretariat = IntegerFilter(field_name="secretariat_id", help_text="Sekretariatets id.")
    phase = filters.ChoiceFilter(choices=Plan.Phase.choices)
    funding_period = filters.ChoiceFilter(choices=FundingPeriod.choices)

    class Meta:
        model = Plan
        fields = ["municipality", "secretariat", "phase", "funding_period"]


class SubAgreementFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", help_text="Helhedsplanens id.")
    thematic_area = IntegerFilter(field_name="thematic_area_id", help_text="Indsatsområdets id.")

    class Meta:
        model = SubAgreement
        fields = ["plan", "thematic_area"]


class InterventionFilter(filters.FilterSet):
    sub_agreement = IntegerFilter(field_name="sub_agreement_id", help_text="Delaftalens id.")
    plan = IntegerFilter(field_name="sub_agreement__plan_id", help_text="Helhedsplanens id.")
    responsible_partner = IntegerFilter(field_name="responsible_partner_id", help_text="Organisationens id.")
    status = filters.ChoiceFilter(choices=Intervention.Status.choices)

    class Meta:
        model = Intervention
        fields = ["sub_agreement", "plan", "responsible_partner", "status"]


class CommitmentFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", help_text="Helhedsplanens id.")
    sub_agreement = IntegerFilter(field_name="sub_agreement_id", help_text="Delaftalens id.")
    party = IntegerFilter(field_name="party_id", help_text="Partens (organisationens) id.")
    year = IntegerFilter(field_name="year")
    form = filters.ChoiceFilter(choices=Commitment.Form.choices)

    class Meta:
        model = Commitment
        fields = ["plan", "sub_agreement", "party", "year", "form"]


# --- scope helpers ------------------------------------------------------------------------------


def _visible_plans(user):
    return access.visible(user, Plan).order_by("pk")


def _visible_sub_agreements(user):
    # With the plan: validating an indsats checks its partner against the plan's parties.
    return access.visible(user, SubAgreement).select_related("plan").order_by("pk")


def _organisations(user):
    """Organisations the user may name: parties of the plans they can see, and the funders
    (``plans.access``). Anything else (another kommune's forvaltning, say) is "does not exist"."""
    return access.visible(user, Organisation).order_by("pk")


def _organisation_field(**kwargs) -> ScopedPrimaryKeyRelatedField:
    return ScopedPrimaryKeyRelatedField(
        scope=_organisations,
        error_messages={
            "does_not_exist": gettext_lazy(
                "Organisationen {pk_value} findes ikke eller er ikke part i en helhedsplan, du har adgang til."
            )
        },
        **kwargs,
    )


# --- plans and sub-agreements (read-only) --------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    secretariat_name = serializers.CharField(source="secretariat.name", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "municipality",
            "municipality_name",
            "secretariat",
            "secretariat_name",
            "housing_organisations",
            "areas",
            "funding_period",
            "start_date",
            "end_date",
            "phase",
            "lbf_case_number",
        ]
        read_only_fields = fields


class SubAgreementSerializer(serializers.ModelSerializer):
    thematic_area_name = serializers.CharField(source="thematic_area.name", read_only=True)

    class Meta:
        model = SubAgreement
        fields = ["id", "plan", "thematic_area", "thematic_area_name", "title", "description", "parties"]
        read_only_fields = fields


class PlanViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Helhedsplaner the user may see."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return access.visible(self.request.user, Plan).with_overview().order_by("name", "pk")


class SubAgreementViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Delaftaler the user may see (a styregruppemedlem sees only their group's)."""

    serializer_class = SubAgreementSerializer
    filterset_class = SubAgreementFilter
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            access.visible(self.request.user, SubAgreement)
            .select_related("thematic_area")
            .prefetch_related("parties")
            .order_by("plan_id", "thematic_area__position", "title", "pk")
        )


# --- interventions ------------------------------------------------------------------------------


class InterventionSerializer(serializers.ModelSerializer):
    sub_agreement = ScopedPrimaryKeyRelatedField(scope=_visible_sub_agreements)
    responsible_partner = _organisation_field()
    plan = serializers.IntegerField(source="sub_agreement.plan_id", read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "sub_agreement",
            "plan",
            "name",
            "description",
            "responsible_partner",
            "status",
            "start_date",
            "end_date",
        ]
        # Uniqueness is checked by the service's full_clean (one place, also inside a bulk request).
        validators = []

    def validate_sub_agreement(self, sub_agreement: SubAgreement) -> SubAgreement:
        if sub_agreement.pk not in serializer_scope(self).ids(access.CHANGE, Intervention, "sub_agreement"):
            raise PermissionDenied(
                _("Du har ikke adgang til at ændre indsatser i delaftalen «%(title)s».")
                % {"title": sub_agreement.title}
            )
        return sub_agreement


@extend_schema_view(
    list=extend_schema(summary="Indsatser", description="Indsatser i de delaftaler brugeren kan se."),
    create=extend_schema(
        summary="Opret én eller flere indsatser",
        description=(
            "Send ét objekt eller en liste med op til 5.000. Alle valideres; enten gemmes alle, eller "
            "ingen (400 med fejl pr. element og dets `index`). Brug `Idempotency-Key` ved genforsøg."
        ),
        request=bulk_create_request(InterventionSerializer, "InterventionCreate"),
        responses={201: bulk_create_request(InterventionSerializer, "InterventionCreated")},
    ),
)
class InterventionViewSet(
    LeanListMixin,
    BulkCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceUpdateModelMixin,
    ScopedViewSet,
):
    """Indsatser: read in scope; created and changed with CHANGE on the delaftale's indsatser."""

    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter

    def get_queryset(self):
        return (
            access.visible(self.request.user, Intervention)
            .select_related("sub_agreement")
            .order_by("sub_agreement_id", "name", "pk")
        )

    def check_object_change(self, obj: Intervention) -> None:
        if obj.sub_agreement_id not in self.scope.ids(access.CHANGE, Intervention, "sub_agreement"):
            raise PermissionDenied(_("Du har ikke adgang til at ændre denne indsats."))

    def create_instance(self, validated_data: dict) -> Intervention:
        return intervention_create(**validated_data)

    def create_instances(self, items: list[dict]) -> list[Intervention]:
        return intervention_create_many(items=items, history_user=self.request.user)

    def update_instance(self, instance: Intervention, data: dict) -> Intervention:
        return intervention_update(intervention=instance, **data)


# --- commitments --------------------------------------------------------------------------------


class CommitmentSerializer(serializers.ModelSerializer):
    party = _organisation_field()
    plan = ScopedPrimaryKeyRelatedField(scope=_visible_plans)
    sub_agreement = ScopedPrimaryKeyRelatedField(scope=_visible_sub_agreements, required=False, allow_null=True)
    is_local = serializers.BooleanField(read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "party",
            "plan",
            "sub_agreement",
            "year",
            "form",
            "amount",
            "hours",
            "fte",
            "hourly_rate",
            "delivered_amount",
            "delivered_hours",
            "status",
            "note",
            "is_local",
        ]
        read_only_fields = ["delivered_amount", "delivered_hours", "status"]
        validators = []
        extra_kwargs = {name: {"min_value": 0} for name in ("amount", "hours", "fte", "hourly_rate")}

    def validate(self, attrs: dict) -> dict:
        instance = self.instance
        plan = attrs.get("plan", getattr(instance, "plan", None))
        party = attrs.get("party", getattr(instance, "party", None))
        if plan is not None and party is not None and party.pk not in plan.party_ids(include_funders=True):
            raise ValidationError({"party": [not_a_party_message(plan)]})
        if plan is not None and party is not None and not access.may_commit(self.context["request"].user, plan, party):
            raise PermissionDenied(
                _("Du har ikke adgang til at registrere medfinansiering for %(party)s i %(plan)s.")
                % {"party": party, "plan": plan}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(summary="Medfinansiering", description="Medfinansiering i de planer brugeren kan se."),
)
class CommitmentViewSet(
    LeanListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ServiceUpdateModelMixin,
    ScopedViewSet,
):
    """Medfinansiering: read in scope; created and changed by the parties' own roles (``may_commit``)."""

    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    lean_methods = {"is_local": (["party__kind"], lambda row, context: row["party__kind"] != Organisation.Kind.FUNDER)}

    def get_queryset(self):
        return (
            access.visible(self.request.user, Commitment)
            .select_related("party", "plan")
            .order_by("plan_id", "year", "party__name", "form", "pk")
        )

    def check_object_change(self, obj: Commitment) -> None:
        if not access.can(self.request.user, access.CHANGE, obj):
            raise PermissionDenied(_("Du har ikke adgang til at ændre denne medfinansiering."))

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = self.request.user
        owner = access.owns_commitment(user, data["plan"], data["party"])
        try:
            serializer.instance = commitment_create(**data, proposed_by=None if owner else user)
        except DjangoValidationError as exc:
            raise ValidationError(validation_error_detail(exc)) from exc

    def update_instance(self, instance: Commitment, data: dict) -> Commitment:
        return commitment_update(commitment=instance, **data)


class CommitmentDeliveryFilter(filters.FilterSet):
    commitment = IntegerFilter(field_name="commitment_id", help_text="Medfinansieringens id.")
    plan = IntegerFilter(field_name="commitment__plan_id", help_text="Helhedsplanens id.")

    class Meta:
        model = CommitmentDelivery
        fields = ["commitment", "plan"]


class CommitmentDeliverySerializer(serializers.ModelSerializer):
    commitment = ScopedPrimaryKeyRelatedField(scope=lambda user: access.visible(user, Commitment).order_by("pk"))

    class Meta:
        model = CommitmentDelivery
        fields = ["id", "commitment", "date", "amount", "hours", "note", "recorded_at"]
        read_only_fields = ["recorded_at"]
        extra_kwargs = {"amount": {"min_value": 0, "required": False}, "hours": {"min_value": 0}}

    def validate_commitment(self, commitment: Commitment) -> Commitment:
        user = self.context["request"].user
        if not access.deliverable_commitments(user).filter(pk=commitment.pk).exists():
            raise PermissionDenied(_("Du har ikke adgang til at registrere leveringer på denne medfinansiering."))
        return commitment


@extend_schema_view(
    list=extend_schema(summary="Leveringer", description="Leveringer på medfinansiering i de planer brugeren kan se."),
    create=extend_schema(
        summary="Registrér en levering",
        description="Den part, der betaler, registrerer hvad der er leveret (dato, beløb, evt. timer og note).",
    ),
)
class CommitmentDeliveryViewSet(
    LeanListMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet,
):
    """Leveringer: read in scope; recorded by the paying party (the commitment's owners)."""

    serializer_class = CommitmentDeliverySerializer
    filterset_class = CommitmentDeliveryFilter

    def get_queryset(self):
        return access.visible(self.request.user, CommitmentDelivery).order_by("commitment_id", "date", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = commitment_delivery_add(recorded_by=self.request.user, **data)
        except DjangoValidationError as exc:
            raise ValidationError(validation_error_detail(exc)) from exc


# The resources this app adds to /api/v1/ (composed by portal/api.py): (path, viewset, basename).
ROUTES = [
    ("plans", PlanViewSet, "plan"),
    ("sub-agreements", SubAgreementViewSet, "sub-agreement"),
    ("interventions", InterventionViewSet, "intervention"),
    ("commitments", CommitmentViewSet, "commitment"),
    ("commitment-deliveries", CommitmentDeliveryViewSet, "commitment-delivery"),
]
