"""factory_boy factories for building worlds of any size in tests and benchmarks."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.bodies.models import Body
from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from governance.reports.models import StatusReport
from monitoring.models import Goal, Indicator, Measurement, Target
from monitoring.services import statuses_refresh
from plans.models import (
    Commitment,
    FundingPeriod,
    HousingArea,
    Intervention,
    Organisation,
    Person,
    Plan,
    Secretariat,
    SubAgreement,
    ThematicArea,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testkommune {n}")
    kind = Organisation.Kind.MUNICIPALITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Forvaltning {n}")
    kind = Organisation.Kind.DEPARTMENT
    parent = factory.SubFactory(MunicipalityFactory)


class HousingOrgFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Boligorganisation {n}")
    kind = Organisation.Kind.HOUSING_ORG


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("kind", "name")

    name = "Landsbyggefonden"
    kind = Organisation.Kind.FUNDER


class SecretariatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secretariat

    name = factory.Sequence(lambda n: f"Sekretariat {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class HousingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingArea

    name = factory.Sequence(lambda n: f"Område {n}")
    code = factory.Sequence(lambda n: f"T-{n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testplan {n}")
    secretariat = factory.SubFactory(SecretariatFactory)
    municipality = factory.SelfAttribute("secretariat.municipality")
    funding_period = FundingPeriod.P2019_2026
    start_date = date(2023, 1, 1)
    end_date = date(2026, 12, 31)
    phase = Plan.Phase.ACTIVE

    @factory.post_generation
    def housing_organisations(self, create, extracted, **kwargs):
        if create:
            self.housing_organisations.add(*(extracted or [HousingOrgFactory()]))

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create:
            self.areas.add(*(extracted or [HousingAreaFactory(municipality=self.municipality)]))


class SubAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubAgreement

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Delaftale {n}")
    thematic_area = factory.LazyFunction(
        lambda: ThematicArea.objects.filter(funding_period=FundingPeriod.P2019_2026).first()
    )


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    sub_agreement = factory.SubFactory(SubAgreementFactory)
    name = factory.Sequence(lambda n: f"Indsats {n}")
    responsible_partner = factory.SubFactory(HousingOrgFactory)


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    plan = factory.SubFactory(PlanFactory)
    party = factory.SubFactory(DepartmentFactory)
    year = 2024
    form = Commitment.Form.CASH
    amount = Decimal("100000")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    plan = factory.SubFactory(PlanFactory)
    kind = Body.Kind.STEERING_GROUP
    name = factory.Sequence(lambda n: f"Styregruppe {n}")


# --- monitoring (målstyring) ------------------------------------------------------------------


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    level = Goal.Level.STRATEGIC
    title = factory.Sequence(lambda n: f"Mål {n}")
    kind = Goal.Kind.OUTCOME


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "%"
    direction = Indicator.Direction.HIGHER_IS_BETTER
    data_source = Indicator.DataSource.MUNICIPALITY
    frequency = Indicator.Frequency.QUARTERLY
    baseline_value = Decimal("50")
    baseline_date = date(2023, 1, 1)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target
        skip_postgeneration_save = True

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("70")
    due_date = date(2026, 12, 31)

    @factory.post_generation
    def refresh_status(obj, create, extracted, **kwargs):
        """The stored status follows, as after ``monitoring.services.target_create``."""
        if create:
            statuses_refresh(indicator_ids=[obj.indicator_id])


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement
        skip_postgeneration_save = True

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2024-Q1"
    value = Decimal("55")
    status = Measurement.Status.APPROVED

    @factory.post_generation
    def refresh_status(obj, create, extracted, **kwargs):
        """The stored status follows, as after an approval through ``monitoring.services``."""
        if create:
            statuses_refresh(indicator_ids=[obj.indicator_id])


# --- governance: meetings, agendas, decisions, actions ---------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    title = factory.Sequence(lambda n: f"Møde {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + timedelta(hours=2))
    location = "Beboerhuset"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Punkt {n}")
    kind = AgendaItem.Kind.DECISION
    recommendation = "Sekretariatet indstiller, at forslaget godkendes."


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    agenda_item = factory.SubFactory(AgendaItemFactory)
    text = factory.Sequence(lambda n: f"Beslutning {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    decision = factory.SubFactory(DecisionFactory)
    title = factory.Sequence(lambda n: f"Handling {n}")
    owner = factory.SubFactory(PersonFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


# --- Status reports (governance) ----------------------------------------------------------------


class StatusReportFactory(factory.django.DjangoModelFactory):
    """A report row in any state; ``version`` counts up per plan/period/kind unless given."""

    class Meta:
        model = StatusReport

    plan = factory.SubFactory(PlanFactory)
    period = "2024-Q2"
    kind = StatusReport.Kind.PIXI
    version = factory.Sequence(lambda n: n + 1)
    state = StatusReport.State.DONE
    requested_via = StatusReport.Via.COMMAND
