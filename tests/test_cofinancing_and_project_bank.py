"""Co-financing per forvaltning and the projektbank: content, scope, exports, query counts."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db.models import Q, Sum
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Commitment, Intervention, Organisation

from .conftest import PLAN_A1, PLAN_B
from .factories import CommitmentFactory, DepartmentFactory, InterventionFactory, PlanFactory, SubAgreementFactory

FJORDBY_EMPLOYMENT = "Beskæftigelses- og Integrationsforvaltningen, Fjordby Kommune"


def workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def test_cofinancing_totals_per_forvaltning_across_plans(login, demo):
    html = login("demo-koordinator").get(reverse("cofinancing")).content.decode()
    department = Organisation.objects.get(name=FJORDBY_EMPLOYMENT)
    expected = Commitment.objects.filter(party=department).aggregate(total=Sum("amount"))["total"]
    assert f"{int(expected):,}".replace(",", ".") + " kr." in html
    assert "Landsbyggefonden" not in html  # LBF's grant is not municipal co-financing
    assert "Boligselskabet Fjordhjem" not in html


def test_cofinancing_year_filter_and_xlsx_export(login, demo):
    client = login("demo-koordinator")
    department = Organisation.objects.get(name=FJORDBY_EMPLOYMENT)
    expected_2024 = Commitment.objects.filter(party=department, year=2024).aggregate(total=Sum("amount"))["total"]
    book = workbook(client.get(reverse("cofinancing"), {"year": 2024, "format": "xlsx"}))
    assert book.sheetnames == ["Pr. forvaltning", "Pr. forvaltning og år", "Pr. plan og år"]
    per_department = {row[1]: row for row in book["Pr. forvaltning"].iter_rows(min_row=2, values_only=True)}
    header = [cell.value for cell in book["Pr. forvaltning"][1]]
    assert Decimal(str(per_department[FJORDBY_EMPLOYMENT][header.index("I alt (kr.)")])) == expected_2024
    assert per_department[FJORDBY_EMPLOYMENT][header.index("Antal planer")] == 2
    years = {row[3] for row in book["Pr. plan og år"].iter_rows(min_row=2, values_only=True)}
    assert years == {2024}


@pytest.mark.parametrize("username", ["demo-koordinator-2", "demo-boligorg-2"])
def test_second_kommune_sees_no_first_kommune_money(login, demo, username):
    client = login(username)
    html = client.get(reverse("cofinancing")).content.decode()
    assert "Fjordby" not in html
    assert "Åbæk" in html
    book = workbook(client.get(reverse("cofinancing"), {"format": "xlsx"}))
    cells = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
    assert "Fjordby" not in cells


def test_bad_year_is_ignored_not_an_error(login, demo):
    assert login("demo-koordinator").get(reverse("cofinancing"), {"year": "x'; drop"}).status_code == 200


def test_cofinancing_query_count_is_constant(login, demo, django_assert_max_num_queries):
    client = login("demo-koordinator")
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("cofinancing"))
    municipality = demo.plan(PLAN_A1).municipality
    for _ in range(15):
        plan = PlanFactory(secretariat=demo.plan(PLAN_A1).secretariat)
        for year in (2024, 2025):
            CommitmentFactory(plan=plan, year=year, party=DepartmentFactory(parent=municipality))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("cofinancing"))
    assert response.status_code == 200


def test_cofinancing_requires_login(client, db):
    assert client.get(reverse("cofinancing")).status_code == 302


def test_project_bank_free_text_theme_and_partner(login, demo):
    client = login("demo-sekretariatsleder")
    html = client.get(reverse("project-bank"), {"q": "jobcafé"}).content.decode()
    assert "1 indsats fundet" in html  # each plan has its own indsatser now
    employment = Intervention.objects.filter(name="Jobcafé i boligområdet").first().sub_agreement.thematic_area
    html = client.get(reverse("project-bank"), {"thematic_area": employment.pk}).content.decode()
    assert "6 indsatser fundet" in html
    partner = Intervention.objects.get(name="Lektiecafé for 4.–10. klasse").responsible_partner
    html = client.get(reverse("project-bank"), {"partner": partner.pk}).content.decode()
    visible = Intervention.objects.filter(
        Q(responsible_partner=partner) | Q(partners=partner), sub_agreement__plan__municipality__name="Fjordby Kommune"
    ).distinct()
    assert visible.count() > 1 and f"{visible.count()} indsatser fundet" in html


def test_project_bank_is_scoped(login, demo):
    html = login("demo-boligorg-2").get(reverse("project-bank")).content.decode()
    assert "Fjordby" not in html
    assert PLAN_B in html
    html = login("demo-styregruppe").get(reverse("project-bank")).content.decode()
    assert "Gadeplansteam" not in html  # not their group's delaftale
    assert "Jobcafé i boligområdet" in html


def test_project_bank_htmx_returns_only_the_results(login, demo):
    response = login("demo-koordinator").get(reverse("project-bank"), {"q": "café"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "indsatser fundet" in html


def test_project_bank_query_count_is_constant(login, demo, django_assert_max_num_queries):
    client = login("demo-sekretariatsleder")
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("project-bank"))
    sub_agreement = SubAgreementFactory(plan=demo.plan(PLAN_A1))
    for _ in range(60):
        InterventionFactory(sub_agreement=sub_agreement)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("project-bank"), {"page": 2})
    assert "Side 2 af 4" in response.content.decode()
