"""Co-financing kept by those who pay (issue #14, item 1): who records and changes commitments and
deliveries (web and API), proposals the party confirms, the shortfall and 25 % arithmetic, the
per-plan and per-kommune pages, exports, history and query counts."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from plans.models import Commitment, CommitmentDelivery, Organisation
from plans.selectors import plan_commitment_summary
from plans.services import commitment_create, commitment_delivery_add

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import CommitmentFactory, DepartmentFactory, FunderFactory, PlanFactory

CHILDREN = "Børne- og Ungdomsforvaltningen, Fjordby Kommune"


def department(demo, plan_name, name=CHILDREN):
    return Organisation.objects.get(name=name) if name else demo.plan(plan_name).municipality


def shortfall_commitment(demo):
    """The demo's one commitment not honoured: last year's outposted service in Vestparken."""
    return Commitment.objects.get(
        plan=demo.plan(PLAN_A1), party__name=CHILDREN, year=timezone.localdate().year - 1, sub_agreement=None
    )


# --- the rule --------------------------------------------------------------------------------------


def test_demo_has_exactly_one_shortfall_in_an_ended_year(demo):
    this_year = timezone.localdate().year
    short = [
        c
        for c in Commitment.objects.confirmed().filter(year__lt=this_year, plan__name__in=[PLAN_A1, PLAN_A2])
        if c.shortfall
    ]
    assert short == [shortfall_commitment(demo)]
    assert short[0].delivered == (short[0].amount * Decimal("0.8")).quantize(Decimal("1"))


def test_shortfall_and_local_share_arithmetic(db):
    plan = PlanFactory()  # 2024–2026 in the factory
    lbf = FunderFactory()
    forvaltning = DepartmentFactory(parent=plan.municipality)
    for year in (2024, 2025):
        CommitmentFactory(plan=plan, party=lbf, year=year, amount=Decimal("750000"))
    first = CommitmentFactory(plan=plan, party=forvaltning, year=2024, amount=Decimal("250000"))
    CommitmentFactory(plan=plan, party=forvaltning, year=2025, amount=Decimal("200000"))
    commitment_delivery_add(commitment=first, date=date(2024, 6, 30), amount=Decimal("100000"))
    commitment_delivery_add(commitment=first, date=date(2024, 12, 1), amount=Decimal("50000"))
    commitment_create(
        party=forvaltning,
        plan=plan,
        year=2025,
        form="staff_in_activities",
        hours=100,
        hourly_rate=500,
        proposed_by=None,
    )
    summary = plan_commitment_summary(plan=plan)
    row = next(r for r in summary.rows if r.party == forvaltning)
    assert row.by_year[2024] == Decimal("250000")
    assert row.delivered_by_year[2024] == Decimal("150000")
    assert row.shortfall_by_year[2024] == Decimal("100000")
    assert row.by_year[2025] == Decimal("250000")  # 200.000 + 100 timer × 500 kr.
    assert summary.share_by_year[2024] == Decimal("0.25")  # exactly LBF's minimum: met
    assert summary.share_by_year[2025] == Decimal("250000") / Decimal("1000000")
    assert summary.meets_requirement is True
    CommitmentFactory(plan=plan, party=lbf, year=2026, amount=Decimal("750000"))
    summary = plan_commitment_summary(plan=plan)
    assert summary.years_below_requirement == [2026]
    assert summary.meets_requirement is False  # 500.000 of 2.750.000
    assert summary.party_share(row) == Decimal("500000") / Decimal("2750000")


def test_a_proposal_does_not_count_until_the_party_confirms_it(demo, login):
    plan = demo.plan(PLAN_A2)
    before = plan_commitment_summary(plan=plan).grand_total
    lead = login("demo-sekretariatsleder")
    response = lead.post(
        reverse("commitment-create", args=[plan.pk]),
        {"party": department(demo, PLAN_A2).pk, "year": 2026, "form": "cash", "amount": "40000"},
    )
    assert response.status_code == 302
    proposal = Commitment.objects.get(plan=plan, party__name=CHILDREN, year=2026, form="cash")
    assert proposal.status == Commitment.Status.PROPOSED
    assert plan_commitment_summary(plan=plan).grand_total == before
    # the sekretariatsleder may not confirm their own proposal for the kommune
    assert lead.post(reverse("commitment-confirm", args=[proposal.pk])).status_code == 403
    koordinator = login("demo-koordinator")
    html = koordinator.get(reverse("plan-cofinancing", args=[plan.pk])).content.decode()
    assert "Forslag der venter på partens bekræftelse" in html
    assert koordinator.post(reverse("commitment-confirm", args=[proposal.pk])).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Commitment.Status.CONFIRMED
    assert plan_commitment_summary(plan=plan).grand_total == before + Decimal("40000")
    assert [h.status for h in proposal.history.order_by("history_date")] == ["proposed", "confirmed"]


def test_the_party_may_reject_a_proposal(demo, login):
    proposal = Commitment.objects.proposed().get(plan=demo.plan(PLAN_A1))  # seeded by plans.demo
    response = login("demo-koordinator").post(reverse("commitment-confirm", args=[proposal.pk]), {"decision": "reject"})
    assert response.status_code == 302
    assert not Commitment.objects.filter(pk=proposal.pk).exists()
    assert Commitment.history.filter(id=proposal.pk, history_type="-").exists()


CREATE = [
    # username, plan, party, expected status, the commitment's status
    ("demo-koordinator", PLAN_A1, CHILDREN, 302, "confirmed"),
    ("demo-koordinator", PLAN_A1, None, 302, "confirmed"),  # the kommune itself
    ("demo-koordinator", PLAN_A1, "Boligselskabet Fjordhjem", 400, None),  # not the kommune's
    ("demo-boligorg", PLAN_A1, "Boligselskabet Fjordhjem", 302, "confirmed"),
    ("demo-boligorg", PLAN_A1, CHILDREN, 400, None),
    ("demo-sekretariatsleder", PLAN_A1, "Boligselskabet Fjordhjem", 302, "proposed"),
    ("demo-sekretariatsleder", PLAN_A1, "Landsbyggefonden", 302, "confirmed"),  # the secretariat keeps LBF's
    ("demo-bestyrelse", PLAN_A1, CHILDREN, 403, None),
    ("demo-styregruppe", PLAN_A1, CHILDREN, 403, None),
    ("demo-koordinator-2", PLAN_A1, CHILDREN, 404, None),
]


@pytest.mark.parametrize(("username", "plan_name", "party_name", "expected", "status"), CREATE)
def test_who_records_a_commitment_in_the_browser(demo, login, username, plan_name, party_name, expected, status):
    plan = demo.plan(plan_name)
    party = department(demo, plan_name, party_name)
    Commitment.objects.filter(plan=plan, party=party, year=2026, form="cash").delete()
    before = Commitment.objects.count()
    data = {"party": party.pk, "year": 2026, "form": "cash", "amount": "75000", "note": "Budget 2026"}
    response = login(username).post(reverse("commitment-create", args=[plan.pk]), data)
    assert response.status_code == expected
    if status:
        assert Commitment.objects.get(plan=plan, party=party, year=2026, form="cash").status == status
    else:
        assert Commitment.objects.count() == before


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("demo-koordinator", 200),
        ("demo-admin", 200),
        ("demo-sekretariatsleder", 403),
        ("demo-boligorg", 403),
        ("demo-bestyrelse", 403),
        ("demo-koordinator-2", 404),
    ],
)
def test_who_changes_the_kommunes_commitment(demo, login, username, expected):
    commitment = shortfall_commitment(demo)
    client = login(username)
    assert client.get(reverse("commitment-edit", args=[commitment.pk])).status_code == expected
    delivered = {"date": timezone.localdate().isoformat(), "amount": "1000"}
    response = client.post(reverse("delivery-add", args=[commitment.pk]), delivered)
    assert response.status_code == (302 if expected == 200 else expected)


def test_boligorganisation_changes_its_own_commitment(demo, login):
    commitment = Commitment.objects.get(
        plan=demo.plan(PLAN_A1), party__name="Boligselskabet Fjordhjem", year=2026, sub_agreement=None, form="cash"
    )
    client = login("demo-boligorg")
    response = client.post(
        reverse("commitment-edit", args=[commitment.pk]),
        {"year": 2026, "form": "cash", "amount": "999000", "note": "Efter budgetrevision"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("999000")
    assert commitment.history.first().history_user.username == "demo-boligorg"


def test_koordinator_records_a_delivery_and_the_shortfall_falls(demo, login):
    commitment = shortfall_commitment(demo)
    before = commitment.shortfall
    assert before > 0
    client = login("demo-koordinator")
    response = client.post(
        reverse("delivery-add", args=[commitment.pk]),
        {"date": timezone.localdate().isoformat(), "amount": "10000", "note": "Efterlevering"},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.shortfall == before - Decimal("10000")
    delivery = commitment.deliveries.get(note="Efterlevering")
    assert delivery.recorded_by.username == "demo-koordinator"
    html = client.get(reverse("commitment-detail", args=[commitment.pk])).content.decode()
    assert "Efterlevering" in html
    assert client.post(reverse("delivery-delete", args=[delivery.pk])).status_code == 302
    commitment.refresh_from_db()
    assert commitment.shortfall == before
    assert CommitmentDelivery.history.filter(id=delivery.pk, history_type="-").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"date": "", "amount": "100"},
        {"date": (date.today() + timedelta(days=30)).isoformat(), "amount": "100"},  # in the future
        {"date": "2026-01-05", "amount": "-5"},
        {"date": "2026-01-05", "amount": "0"},
        {"date": "1999-01-05", "amount": "100"},  # before the plan started
    ],
)
def test_bad_delivery_is_400_and_changes_nothing(demo, login, data):
    commitment = shortfall_commitment(demo)
    before = (commitment.deliveries.count(), commitment.delivered_amount)
    response = login("demo-koordinator").post(reverse("delivery-add", args=[commitment.pk]), data)
    assert response.status_code == 400
    commitment.refresh_from_db()
    assert (commitment.deliveries.count(), commitment.delivered_amount) == before
    assert 'class="form-error-message"' in response.content.decode() or "alert-error" in response.content.decode()


def test_staff_commitment_values_hours_at_the_rate(demo, login):
    plan = demo.plan(PLAN_A2)
    party = department(demo, PLAN_A2)
    data = {"party": party.pk, "year": 2025, "form": "meeting_hours", "fte": "0.5", "hourly_rate": "450"}
    assert login("demo-koordinator").post(reverse("commitment-create", args=[plan.pk]), data).status_code == 302
    commitment = Commitment.objects.get(plan=plan, party=party, year=2025, form="meeting_hours")
    assert commitment.hours == Decimal("962.0")  # 0,5 årsværk × 1.924 timer
    assert commitment.amount == Decimal("432900.00")


def test_cash_has_no_hours(demo, login):
    plan = demo.plan(PLAN_A2)
    data = {"party": department(demo, PLAN_A2).pk, "year": 2025, "form": "cash", "amount": "100", "hours": "10"}
    response = login("demo-koordinator").post(reverse("commitment-create", args=[plan.pk]), data)
    assert response.status_code == 400
    assert not Commitment.objects.filter(plan=plan, party__name=CHILDREN, year=2025, form="cash").exists()


# --- API --------------------------------------------------------------------------------------------


def test_api_boligorganisation_records_own_commitment_and_delivery(demo, api):
    plan = demo.plan(PLAN_A1)
    org = Organisation.objects.get(name="Boligselskabet Fjordhjem")
    Commitment.objects.filter(plan=plan, party=org, year=2025, form="cash").delete()
    client = api("demo-boligorg")
    response = client.post(
        "/api/v1/commitments/", {"plan": plan.pk, "party": org.pk, "year": 2025, "form": "cash", "amount": "5000"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    commitment_id = response.json()["id"]
    response = client.post(
        "/api/v1/commitment-deliveries/", {"commitment": commitment_id, "date": "2025-06-30", "amount": "2000"}
    )
    assert response.status_code == 201, response.content
    assert Decimal(client.get(f"/api/v1/commitments/{commitment_id}/").json()["delivered_amount"]) == Decimal("2000")


def test_api_lead_creates_a_proposal_for_the_kommune(demo, api):
    plan = demo.plan(PLAN_A1)
    party = department(demo, PLAN_A1)
    Commitment.objects.filter(plan=plan, party=party, year=2025, form="cash").delete()
    response = api("demo-sekretariatsleder").post(
        "/api/v1/commitments/", {"plan": plan.pk, "party": party.pk, "year": 2025, "form": "cash", "amount": "5000"}
    )
    assert response.status_code == 201
    assert response.json()["status"] == "proposed"


@pytest.mark.parametrize(
    ("username", "expected"),
    [("demo-koordinator", 201), ("demo-sekretariatsleder", 403), ("demo-boligorg", 403), ("demo-koordinator-2", 400)],
)
def test_api_who_records_deliveries_on_the_kommunes_commitment(demo, api, username, expected):
    commitment = shortfall_commitment(demo)
    before = commitment.deliveries.count()
    response = api(username).post(
        "/api/v1/commitment-deliveries/", {"commitment": commitment.pk, "date": "2026-01-10", "amount": "100"}
    )
    assert response.status_code == expected, response.content
    assert commitment.deliveries.count() == before + (1 if expected == 201 else 0)


def test_api_delivered_amount_is_read_only(demo, api):
    commitment = shortfall_commitment(demo)
    before = commitment.delivered_amount
    response = api("demo-koordinator").patch(f"/api/v1/commitments/{commitment.pk}/", {"delivered_amount": "1"})
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.delivered_amount == before


def test_api_deliveries_are_scoped(demo, api):
    rows = api("demo-koordinator-2").get("/api/v1/commitment-deliveries/?page_size=500").json()["results"]
    plans = set(
        CommitmentDelivery.objects.filter(pk__in=[r["id"] for r in rows]).values_list(
            "commitment__plan__name", flat=True
        )
    )
    assert plans == {PLAN_B}


# --- pages ------------------------------------------------------------------------------------------


def test_plan_page_shows_party_year_shortfall_and_share(demo, login):
    plan = demo.plan(PLAN_A1)
    html = login("demo-koordinator").get(reverse("plan-cofinancing", args=[plan.pk])).content.decode()
    assert 'class="table--responsive-scroll portal-scroll-region" tabindex="0" role="region"' in html
    summary = plan_commitment_summary(plan=plan)
    row = next(r for r in summary.rows if r.party.name == CHILDREN)
    last_year = timezone.localdate().year - 1
    missing = int(row.shortfall_by_year[last_year])
    assert f"{missing:,}".replace(",", ".") + " kr." in html
    assert "opfylder LBF's krav om mindst 25 %" in html


def test_plan_below_25_percent_shows_the_warning(demo, login):
    html = login("demo-koordinator-2").get(reverse("plan-cofinancing", args=[demo.plan(PLAN_B).pk])).content.decode()
    assert "under LBF's krav om mindst 25 %" in html


def test_plan_cofinancing_xlsx_has_the_page_layout(demo, login):
    plan = demo.plan(PLAN_A1)
    response = login("demo-sekretariatsleder").get(reverse("plan-cofinancing", args=[plan.pk]), {"format": "xlsx"})
    book = load_workbook(BytesIO(response.content))
    sheet = book["Pr. part og år"]
    header = [cell.value for cell in sheet[1]]
    last_year = timezone.localdate().year - 1
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    summary = plan_commitment_summary(plan=plan)
    row = next(r for r in summary.rows if r.party.name == CHILDREN)
    assert Decimal(str(rows[CHILDREN][header.index(f"{last_year} mangler (kr.)")])) == row.shortfall_by_year[last_year]
    assert rows["Lokal andel (krav: mindst 25 %)"][header.index("Andel af det samlede tilsagn") - 3] is not None


def test_plan_cofinancing_query_count_is_constant(demo, login, django_assert_max_num_queries):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("plan-cofinancing", args=[plan.pk]))
    for _ in range(10):
        party = DepartmentFactory(parent=plan.municipality)
        for year in (2024, 2025):
            CommitmentFactory(plan=plan, year=year, party=party)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("plan-cofinancing", args=[plan.pk])).status_code == 200


def test_kommune_page_counts_plans_per_forvaltning(demo, login):
    html = login("demo-koordinator").get(reverse("cofinancing")).content.decode()
    assert "Fjordby Kommune: 2 helhedsplaner" in html
    assert "Kultur- og Fritidsforvaltningen, Fjordby Kommune: i 1 af 2 planer" in html
    assert "Børne- og Ungdomsforvaltningen, Fjordby Kommune: i 2 af 2 planer" in html
    assert 'tabindex="0" role="region" aria-label="Tilsagn pr. forvaltning' in html
    assert "mangler at levere" in html


def test_kommune_page_per_year_sheet(demo, login):
    response = login("demo-koordinator").get(reverse("cofinancing"), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content))["Pr. forvaltning og år"]
    last_year = timezone.localdate().year - 1
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == CHILDREN and r[2] == last_year]
    expected = sum(c.shortfall for c in Commitment.objects.confirmed().filter(party__name=CHILDREN, year=last_year))
    assert Decimal(str(rows[0][5])) == expected > 0


def test_kommune_page_query_count_at_two_sizes(demo, login, django_assert_max_num_queries):
    client = login("demo-koordinator")
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("cofinancing"))
    municipality = demo.plan(PLAN_A1).municipality
    secretariat = demo.plan(PLAN_A1).secretariat
    parties = [DepartmentFactory(parent=municipality) for _ in range(4)]
    for index in range(30):
        plan = PlanFactory(secretariat=secretariat, municipality=municipality)
        for year in (2024, 2025, 2026):
            CommitmentFactory(plan=plan, year=year, party=parties[index % 4])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("cofinancing"))
    assert "Fjordby Kommune: 32 helhedsplaner" in response.content.decode()
