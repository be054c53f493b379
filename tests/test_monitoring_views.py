"""Målstyring pages: per-role access (200 / 403 / 404), approval, query counts, plan page, demo."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from monitoring.models import AreaStatistic, Goal, Indicator, Measurement, Milestone, Target
from monitoring.selectors import plan_goal_tree
from monitoring.status import Status
from plans.models import Role
from plans.services import role_assign

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import (
    GoalFactory,
    IndicatorFactory,
    MeasurementFactory,
    PlanFactory,
    SubAgreementFactory,
    TargetFactory,
    UserFactory,
)
from .test_access import EXPECTED

STRATEGIC_INDICATOR = "Andel 18–24-årige i gang med eller færdige med en ungdomsuddannelse"
GROUP_INDICATOR = "Unge 13–17 år med fritidsjob"  # delmål in the steering group's delaftale
OTHER_GROUP_INDICATOR = "Anmeldte hærværkssager pr. kvartal"  # delmål in another group's delaftale
USERS = list(EXPECTED)


def _indicator(demo, name, plan=PLAN_A1) -> Indicator:
    return Indicator.objects.get(goal__plan=demo.plan(plan), name=name)


def _draft(indicator) -> Measurement:
    return indicator.measurements.get(status=Measurement.Status.DRAFT)


# username -> status code for each page of plan A1
GOAL_PAGE = {u: (200 if PLAN_A1 in EXPECTED[u]["view"] else 404) for u in USERS}
ENTRY_STRATEGIC = {
    "demo-sekretariatsleder": 200,
    "demo-boligorg": 200,
    "demo-admin": 200,
    "demo-koordinator": 403,
    "demo-bestyrelse": 403,
    "demo-styregruppe": 403,  # sees the strategic goals, changes only their delaftaler's
    "demo-koordinator-2": 404,
    "demo-boligorg-2": 404,
}
ENTRY_GROUP = {**ENTRY_STRATEGIC, "demo-styregruppe": 200}
DETAIL_OTHER_GROUP = {**GOAL_PAGE, "demo-styregruppe": 404}  # a delmål of a delaftale they do not see
APPROVE = {
    "demo-sekretariatsleder": 302,
    "demo-admin": 302,
    "demo-koordinator": 403,
    "demo-bestyrelse": 403,
    "demo-styregruppe": 403,
    "demo-boligorg": 403,
    "demo-koordinator-2": 404,
    "demo-boligorg-2": 404,
}
IMPORT = {**ENTRY_STRATEGIC, "demo-styregruppe": 200}  # may import for their own delaftaler


@pytest.mark.parametrize("username", USERS)
def test_goal_page_access(demo, login, username):
    response = login(username).get(reverse("monitoring:goal-tree", args=[demo.plan(PLAN_A1).pk]))
    assert response.status_code == GOAL_PAGE[username]


@pytest.mark.parametrize("username", USERS)
def test_indicator_pages_access(demo, login, username):
    plan = demo.plan(PLAN_A1)
    client = login(username)
    strategic = _indicator(demo, STRATEGIC_INDICATOR)
    other = _indicator(demo, OTHER_GROUP_INDICATOR)
    assert (
        client.get(reverse("monitoring:indicator-detail", args=[plan.pk, strategic.pk])).status_code
        == (GOAL_PAGE[username])
    )
    assert (
        client.get(reverse("monitoring:indicator-detail", args=[plan.pk, other.pk])).status_code
        == (DETAIL_OTHER_GROUP[username])
    )
    assert (
        client.get(reverse("monitoring:indicator-export", args=[plan.pk, other.pk])).status_code
        == (DETAIL_OTHER_GROUP[username])
    )
    assert client.get(reverse("monitoring:plan-export", args=[plan.pk])).status_code == GOAL_PAGE[username]


@pytest.mark.parametrize("username", USERS)
def test_measurement_entry_access(demo, login, username):
    plan = demo.plan(PLAN_A1)
    client = login(username)
    for name, expected in ((STRATEGIC_INDICATOR, ENTRY_STRATEGIC), (GROUP_INDICATOR, ENTRY_GROUP)):
        url = reverse("monitoring:measurement-create", args=[plan.pk, _indicator(demo, name).pk])
        assert client.get(url).status_code == expected[username], name


@pytest.mark.parametrize("username", USERS)
def test_import_page_access(demo, login, username):
    response = login(username).get(reverse("monitoring:import-upload", args=[demo.plan(PLAN_A1).pk]))
    assert response.status_code == IMPORT[username]


@pytest.mark.parametrize("username", USERS)
def test_approve_access(demo, login, username):
    plan = demo.plan(PLAN_A1)
    draft = _draft(_indicator(demo, GROUP_INDICATOR))  # entered by demo-boligorg
    response = login(username).post(reverse("monitoring:measurement-approve", args=[plan.pk, draft.pk]))
    assert response.status_code == APPROVE[username]
    draft.refresh_from_db()
    assert (draft.status == Measurement.Status.APPROVED) is (APPROVE[username] == 302)


def test_approve_is_post_only(demo, login):
    plan = demo.plan(PLAN_A1)
    draft = _draft(_indicator(demo, GROUP_INDICATOR))
    client = login("demo-sekretariatsleder")
    assert client.get(reverse("monitoring:measurement-approve", args=[plan.pk, draft.pk])).status_code == 405


def test_second_kommune_sees_nothing_of_the_first(demo, login):
    client = login("demo-koordinator-2")
    for plan_name in (PLAN_A1, PLAN_A2):
        plan = demo.plan(plan_name)
        assert client.get(reverse("monitoring:goal-tree", args=[plan.pk])).status_code == 404
        assert client.get(reverse("monitoring:plan-export", args=[plan.pk])).status_code == 404
        for indicator in Indicator.objects.filter(goal__plan=plan)[:5]:
            url = reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk])
            assert client.get(url).status_code == 404
    # Not through their own plan's URLs either.
    own = demo.plan(PLAN_B)
    foreign = _indicator(demo, STRATEGIC_INDICATOR)
    assert client.get(reverse("monitoring:indicator-detail", args=[own.pk, foreign.pk])).status_code == 404
    foreign_draft = _draft(_indicator(demo, GROUP_INDICATOR))
    url = reverse("monitoring:measurement-approve", args=[own.pk, foreign_draft.pk])
    assert client.post(url).status_code == 404
    response = client.get(reverse("monitoring:goal-tree", args=[own.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert PLAN_A1 not in content and PLAN_A2 not in content


def test_measurement_form_saves_a_draft(demo, login):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo, GROUP_INDICATOR)
    url = reverse("monitoring:measurement-create", args=[plan.pk, indicator.pk])
    response = login("demo-styregruppe").post(
        url, {"period": "2026-Q4", "value": "58,5", "breakdown_value": "", "source_note": "Optælling"}
    )
    assert response.status_code == 302
    measurement = indicator.measurements.get(period="2026-Q4")
    assert (measurement.value, measurement.status) == (Decimal("58.5"), Measurement.Status.DRAFT)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "2026-Q7", "value": "1"}, "period"),
        ({"period": "2026", "value": "1"}, "period"),
        ({"period": "2026-Q4", "value": "mange"}, "value"),
        ({"period": "2026-Q1", "value": "1"}, "period"),  # already measured
    ],
)
def test_measurement_form_bad_input_changes_nothing(demo, login, data, field):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo, GROUP_INDICATOR)
    before = indicator.measurements.count()
    url = reverse("monitoring:measurement-create", args=[plan.pk, indicator.pk])
    response = login("demo-boligorg").post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert indicator.measurements.count() == before


def test_self_approval_is_refused_over_http(demo, login):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo, GROUP_INDICATOR)
    client = login("demo-sekretariatsleder")
    client.post(
        reverse("monitoring:measurement-create", args=[plan.pk, indicator.pk]),
        {"period": "2026-Q4", "value": "60"},
    )
    own = indicator.measurements.get(period="2026-Q4")
    page = client.get(reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk])).content.decode()
    assert reverse("monitoring:measurement-approve", args=[plan.pk, own.pk]) not in page
    response = client.post(reverse("monitoring:measurement-approve", args=[plan.pk, own.pk]), follow=True)
    assert "egen måling" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Measurement.Status.DRAFT


def test_goal_page_shows_tree_status_words_symbols_and_charts(demo, login):
    plan = demo.plan(PLAN_A1)
    response = login("demo-bestyrelse").get(reverse("monitoring:goal-tree", args=[plan.pk]))
    content = response.content.decode()
    for status in (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA):
        assert f'<span aria-hidden="true">{status.symbol}</span> {status.label}' in content
    assert content.count('role="img"') == Indicator.objects.filter(goal__plan=plan).count()
    assert "<title" in content
    tree = response.context["tree"]
    assert len(tree.strategic) == 4 and all(node.children for node in tree.strategic)


def test_steering_group_member_sees_only_their_delmaal(demo):
    tree = plan_goal_tree(user=demo.user("demo-styregruppe"), plan=demo.plan(PLAN_A1))
    sub_agreements = {child.goal.sub_agreement.title for node in tree.strategic for child in node.children}
    assert sub_agreements == {"Delaftale: Uddannelse og livschancer", "Delaftale: Beskæftigelse"}


def test_lbf_indicator_page_compares_area_kommune_and_country(demo, login):
    plan = demo.plan(PLAN_A1)
    indicator = Indicator.objects.get(goal__plan=plan, lbf_indicator_code="SIGTEDE_UNGE")
    response = login("demo-koordinator").get(reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]))
    comparison = response.context["comparison"]
    assert [area.code for area in comparison.areas] == ["FJ-NOR", "FJ-VEST"]
    row = comparison.rows[-1]
    assert all(value is not None for value in row.areas.values())
    assert row.municipality is not None and row.country is not None
    assert "Hele landet" in response.content.decode()


def _plan_with_goals(goals: int, indicators: int, measurements: int):
    plan = PlanFactory()
    sub_agreement = SubAgreementFactory(plan=plan)
    lead = UserFactory()
    role_assign(user=lead, role=Role.SECRETARIAT_LEAD, secretariat=plan.secretariat)
    periods = [f"{2023 + q // 4}-Q{q % 4 + 1}" for q in range(measurements)]
    for g in range(goals):
        strategic = GoalFactory(plan=plan)
        sub = GoalFactory(plan=plan, level=Goal.Level.SUB, sub_agreement=sub_agreement, contributes_to=strategic)
        for goal in (strategic, sub):
            Milestone.objects.create(goal=goal, title=f"Milepæl {g}", due_date=date(2025, 1, 1))
            for _ in range(indicators):
                indicator = IndicatorFactory(goal=goal)
                TargetFactory(indicator=indicator)
                TargetFactory(indicator=indicator, due_date=date(2025, 12, 31), value=Decimal(60))
                for number, period in enumerate(periods):
                    MeasurementFactory(indicator=indicator, period=period, value=Decimal(50 + number))
    return plan, lead


def test_goal_page_query_count_does_not_grow_with_data(db, client, django_assert_max_num_queries):
    small_plan, small_lead = _plan_with_goals(goals=1, indicators=1, measurements=2)
    large_plan, large_lead = _plan_with_goals(goals=5, indicators=3, measurements=24)
    counts = []
    for plan, lead in ((small_plan, small_lead), (large_plan, large_lead)):
        client.force_login(lead)
        with django_assert_max_num_queries(10) as captured:
            response = client.get(reverse("monitoring:goal-tree", args=[plan.pk]))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_plan_page_query_count_does_not_grow_with_goals(db, client, django_assert_max_num_queries):
    counts = []
    for goals in (1, 8):
        plan, lead = _plan_with_goals(goals=goals, indicators=2, measurements=4)
        client.force_login(lead)
        with django_assert_max_num_queries(13) as captured:
            client.get(reverse("plan-detail", args=[plan.pk]))
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_plan_page_warns_about_too_many_goals_and_goals_without_indicators(db, client):
    plan, lead = _plan_with_goals(goals=6, indicators=1, measurements=1)
    bare = GoalFactory(plan=plan, title="Mål uden indikator")
    client.force_login(lead)
    content = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Få og præcise mål" in content
    assert "flere end 5 strategiske mål" in content
    assert bare.title in content
    assert reverse("monitoring:goal-tree", args=[plan.pk]) in content
    tree_page = client.get(reverse("monitoring:goal-tree", args=[plan.pk])).content.decode()
    assert "højst 5" in tree_page and bare.title in tree_page


def test_plan_page_without_warnings_for_a_focused_plan(db, client):
    plan, lead = _plan_with_goals(goals=3, indicators=1, measurements=1)
    client.force_login(lead)
    content = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Målstyring" in content and "Få og præcise mål" not in content


MODELS = (Goal, Indicator, Target, Measurement, Milestone, AreaStatistic)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS} | {
        f"{model.__name__}.history": model.history.count() for model in MODELS
    }


def test_demo_gives_every_status_and_seed_demo_is_idempotent(demo):
    before = _counts()
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == before
    admin = demo.user("demo-admin")
    # Each plan has a strategic goal for each of its delaftaler (Åbæk Øst one more, about school absence).
    for plan_name, strategic in ((PLAN_A1, 4), (PLAN_A2, 4), (PLAN_B, 5)):
        tree = plan_goal_tree(user=admin, plan=demo.plan(plan_name))
        assert len(tree.strategic) == strategic
        statuses = {row.status for node in tree.nodes for row in node.indicators}
        assert statuses == {Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA}
        for node in tree.nodes:
            assert 2 <= len(node.indicators) <= 4
        years = {m.period_start.year for node in tree.nodes for row in node.indicators for m in row.measurements}
        assert len(years) >= 3


def test_indicator_page_query_count_does_not_grow_with_measurements(db, client, django_assert_max_num_queries):
    counts = []
    for measurements in (2, 30):
        plan, lead = _plan_with_goals(goals=1, indicators=1, measurements=measurements)
        indicator = Indicator.objects.filter(goal__plan=plan).first()
        entered = UserFactory()
        indicator.measurements.update(entered_by=entered, approved_by=lead)
        client.force_login(lead)
        with django_assert_max_num_queries(11) as captured:
            response = client.get(reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]))
        assert response.status_code == 200
        assert response.content.decode().count("<circle") == measurements
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_goal_page_in_english(demo, login):
    client = login("demo-sekretariatsleder")
    client.post(reverse("set_language"), {"language": "en"})
    content = client.get(reverse("monitoring:goal-tree", args=[demo.plan(PLAN_A1).pk])).content.decode()
    assert "Goal management:" in content
    assert "On track" in content and "Off track" in content and "Latest value" in content


CHANGE = {
    "demo-sekretariatsleder": 200,
    "demo-admin": 200,
    "demo-koordinator": 403,
    "demo-bestyrelse": 403,
    "demo-styregruppe": 403,
    "demo-boligorg": 403,
    "demo-koordinator-2": 404,
    "demo-boligorg-2": 404,
}


@pytest.mark.parametrize("username", USERS)
def test_goal_and_target_edit_access(demo, login, username):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo, STRATEGIC_INDICATOR)
    client = login(username)
    goal_url = reverse("monitoring:goal-edit", args=[plan.pk, indicator.goal_id])
    target_url = reverse("monitoring:target-edit", args=[plan.pk, indicator.pk, indicator.targets.first().pk])
    assert client.get(goal_url).status_code == CHANGE[username]
    assert client.get(target_url).status_code == CHANGE[username]


def test_goal_edit_without_reason_changes_nothing_and_with_reason_is_traced(demo, login):
    plan = demo.plan(PLAN_A1)
    goal = _indicator(demo, STRATEGIC_INDICATOR).goal
    url = reverse("monitoring:goal-edit", args=[plan.pk, goal.pk])
    client = login("demo-sekretariatsleder")
    data = {"title": "Flere unge gennemfører en ungdomsuddannelse", "description": "", "kind": "outcome"}
    response = client.post(url, {**data, "theory_of_change": goal.theory_of_change, "reason": " "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    goal.refresh_from_db()
    assert goal.title != data["title"]
    response = client.post(url, {**data, "theory_of_change": "", "reason": "Bestyrelsesmøde 3/2026, pkt. 4"})
    assert response.status_code == 302
    goal.refresh_from_db()
    latest = goal.history.first()
    assert (goal.title, latest.history_change_reason, latest.history_user.username) == (
        data["title"],
        "Bestyrelsesmøde 3/2026, pkt. 4",
        "demo-sekretariatsleder",
    )
    page = client.get(url).content.decode()
    assert "Bestyrelsesmøde 3/2026, pkt. 4" in page


def test_target_edit_is_traced_and_refuses_bad_dates(demo, login):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo, STRATEGIC_INDICATOR)
    target = indicator.targets.order_by("due_date").last()
    url = reverse("monitoring:target-edit", args=[plan.pk, indicator.pk, target.pk])
    client = login("demo-sekretariatsleder")
    bad = {"value": "72", "due_date": "2019-01-01", "note": "", "reason": "Skærpet"}
    assert client.post(url, bad).status_code == 200
    target.refresh_from_db()
    assert target.value != Decimal(72)
    response = client.post(url, {**bad, "due_date": target.due_date.isoformat()})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.value == Decimal(72)
    page = client.get(reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk])).content.decode()
    assert "Historik for målværdierne" in page and "Skærpet" in page


@pytest.mark.parametrize("username", USERS)
def test_create_pages_access(demo, login, username):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo, STRATEGIC_INDICATOR)
    client = login(username)
    for url in (
        reverse("monitoring:goal-create", args=[plan.pk]),
        reverse("monitoring:indicator-create", args=[plan.pk, indicator.goal_id]),
        reverse("monitoring:target-create", args=[plan.pk, indicator.pk]),
    ):
        assert client.get(url).status_code == CHANGE[username], url


def test_sekretariatsleder_builds_a_goal_with_an_indicator_and_targets(demo, login):
    plan = demo.plan(PLAN_A1)
    client = login("demo-sekretariatsleder")
    strategic = Goal.objects.filter(plan=plan, level="strategic").first()
    sub_agreement = plan.sub_agreements.get(title="Delaftale: Beskæftigelse")
    response = client.post(
        reverse("monitoring:goal-create", args=[plan.pk]),
        {
            "level": "sub",
            "sub_agreement": sub_agreement.pk,
            "contributes_to": strategic.pk,
            "title": "Flere unge i lære",
            "kind": "outcome",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(plan=plan, title="Flere unge i lære")
    assert (goal.sub_agreement, goal.contributes_to) == (sub_agreement, strategic)
    intervention = sub_agreement.interventions.first()
    response = client.post(
        reverse("monitoring:indicator-create", args=[plan.pk, goal.pk]),
        {
            "name": "Unge i læreplads",
            "unit": "antal",
            "direction": "higher",
            "data_source": "municipality",
            "frequency": "yearly",
            "baseline_value": "12",
            "baseline_date": "2024-01-01",
            "interventions": [intervention.pk],
            "on_track_threshold": "0,90",
            "at_risk_threshold": "0,60",
            "target_value": "20",
            "target_date": "2026-12-31",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    indicator = goal.indicators.get()
    assert list(indicator.interventions.all()) == [intervention]
    assert [(t.value, t.due_date) for t in indicator.targets.all()] == [(Decimal(20), date(2026, 12, 31))]
    response = client.post(
        reverse("monitoring:target-create", args=[plan.pk, indicator.pk]),
        {"value": "16", "due_date": "2025-12-31", "note": "Delmål"},
    )
    assert response.status_code == 302
    assert indicator.targets.count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"level": "sub", "title": "Delmål uden delaftale", "kind": "outcome"},
        {"level": "strategic", "title": "Flere børn og unge gennemfører en uddannelse", "kind": "outcome"},  # taken
        {"level": "strategic", "title": "", "kind": "outcome"},
    ],
)
def test_bad_goal_changes_nothing(demo, login, data):
    plan = demo.plan(PLAN_A1)
    before = Goal.objects.count()
    response = login("demo-sekretariatsleder").post(reverse("monitoring:goal-create", args=[plan.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert Goal.objects.count() == before


def test_bad_indicator_changes_nothing(demo, login):
    plan = demo.plan(PLAN_A1)
    goal = Goal.objects.filter(plan=plan, level="strategic").first()
    before = (Indicator.objects.count(), Target.objects.count())
    data = {
        "name": "LBF uden kode",
        "unit": "%",
        "direction": "higher",
        "data_source": "lbf",
        "frequency": "half_yearly",
        "baseline_value": "12",
        "baseline_date": "2024-01-01",
        "on_track_threshold": "0,90",
        "at_risk_threshold": "0,60",
        "target_value": "20",
        "target_date": "2023-12-31",
    }
    response = login("demo-sekretariatsleder").post(
        reverse("monitoring:indicator-create", args=[plan.pk, goal.pk]), data
    )
    form = response.context["form"]
    assert "lbf_indicator_code" in form.errors and "target_date" in form.errors
    assert (Indicator.objects.count(), Target.objects.count()) == before
