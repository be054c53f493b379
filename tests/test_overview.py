"""The koordinator's 'Overblik' and the landing page per role."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Plan

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import CommitmentFactory, PlanFactory, SubAgreementFactory
from .test_pages import plan_names_in


def test_koordinator_lands_on_the_overview(client, demo):
    response = client.post(reverse("login"), {"username": "demo-koordinator", "password": "demo1234"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("overview")
    assert plan_names_in(response.content.decode()) == {PLAN_A1, PLAN_A2}


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("demo-koordinator", "overview"),
        ("demo-sekretariatsleder", "my-secretariat"),
        ("demo-bestyrelse", "reading-room"),
        ("demo-boligorg", "plan-list"),
        ("demo-styregruppe", "plan-list"),
    ],
)
def test_each_role_lands_on_its_page(login, username, landing):
    assert login(username).get(reverse("home"))["Location"] == reverse(landing)


def test_overview_is_scoped_to_the_kommune(login, demo):
    assert plan_names_in(login("demo-koordinator-2").get(reverse("overview")).content.decode()) == {PLAN_B}
    book = load_workbook(BytesIO(login("demo-koordinator-2").get(reverse("overview"), {"format": "xlsx"}).content))
    names = {row[0] for row in book["Overblik"].iter_rows(min_row=2, values_only=True)}
    assert names == {PLAN_B}


def test_overview_flags_local_share_below_25_percent(login, demo):
    html = login("demo-koordinator-2").get(reverse("overview")).content.decode()
    assert "under 25 %" in html
    html = login("demo-koordinator").get(reverse("overview")).content.decode()
    assert "under 25 %" not in html


def test_overview_filters_by_phase_and_thematic_area_and_sorts(login, demo):
    client = login("demo-koordinator")
    Plan.objects.filter(name=PLAN_A2).update(phase=Plan.Phase.CLOSED)
    assert plan_names_in(client.get(reverse("overview"), {"phase": "closed"}).content.decode()) == {PLAN_A2}
    assert plan_names_in(client.get(reverse("overview"), {"phase": "bogus"}).content.decode()) == {PLAN_A1, PLAN_A2}
    extra = PlanFactory(secretariat=demo.plan(PLAN_A1).secretariat, name="Helhedsplan Ekstra")
    theme = SubAgreementFactory(plan=extra).thematic_area
    SubAgreementFactory(plan=extra)  # a theme every demo plan has as well
    html = client.get(reverse("overview"), {"thematic_area": theme.pk}).content.decode()
    assert "Helhedsplan Ekstra" in html
    html = client.get(reverse("overview"), {"sort": "-name"}).content.decode()
    assert html.index(PLAN_A1) < html.index(PLAN_A2)  # V… before S… when sorted descending


def test_overview_query_count_is_constant(login, demo, django_assert_max_num_queries):
    client = login("demo-koordinator")
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("overview"))
    for _ in range(20):
        plan = PlanFactory(secretariat=demo.plan(PLAN_A1).secretariat)
        CommitmentFactory(plan=plan, year=2026)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("overview"))
    assert len(plan_names_in(response.content.decode())) == 22


def test_overview_export_never_writes_user_text_as_a_formula(login, demo):
    PlanFactory(secretariat=demo.plan(PLAN_A1).secretariat, name='=HYPERLINK("http://example.invalid","x")')
    book = load_workbook(BytesIO(login("demo-koordinator").get(reverse("overview"), {"format": "xlsx"}).content))
    cells = [row[0] for row in book["Overblik"].iter_rows(min_row=2)]
    formula_like = [cell for cell in cells if str(cell.value).startswith("=")]
    assert formula_like and all(cell.data_type == "s" for cell in formula_like)
