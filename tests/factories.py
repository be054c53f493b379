"""factory_boy factories for building worlds of any size in tests and benchmarks."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from governance.models import Body, StatusReport
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
