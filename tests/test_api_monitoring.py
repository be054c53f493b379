"""REST API for målstyring: goals, indicators, measurements (drafts, bulk, idempotency) and area statistics."""

import uuid
from decimal import Decimal

import pytest
from django.db.models import Q

from monitoring.api import MeasurementViewSet
from monitoring.models import AreaStatistic, Goal, Indicator, Measurement
from monitoring.status import indicator_assessment
from plans.models import HousingArea, Plan

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .test_access import EXPECTED
from .test_api_read import STEERING_GROUP_SUB_AGREEMENTS, all_ids

# --- what each demo user should see, computed from the demo world rather than the selectors ---------


def expected_goals(username: str):
    plans = EXPECTED[username]["view"]
    sub_goals = Q(level=Goal.Level.SUB, sub_agreement__plan__name__in=plans)
    if username == "demo-styregruppe":
        sub_goals &= Q(sub_agreement__title__in=STEERING_GROUP_SUB_AGREEMENTS)
    return Goal.objects.filter(Q(level=Goal.Level.STRATEGIC, plan__name__in=plans) | sub_goals)


def expected_ids(username: str, resource: str) -> set[int]:
    goals = expected_goals(username)
    if resource == "goals":
        rows = goals
    elif resource == "indicators":
        rows = Indicator.objects.filter(goal__in=goals)
    elif resource == "measurements":
        rows = Measurement.objects.filter(indicator__goal__in=goals)
    else:
        plans = Plan.objects.filter(name__in=EXPECTED[username]["view"])
        rows = AreaStatistic.objects.filter(
            Q(scope="country")
            | Q(scope="area", area__in=HousingArea.objects.filter(plans__in=plans))
            | Q(scope="municipality", municipality__in=plans.values("municipality"))
        )
    return set(rows.values_list("pk", flat=True))


RESOURCES = ["goals", "indicators", "measurements", "area-statistics"]


def a_row(resource: str, plan_name: str):
    plan = Plan.objects.get(name=plan_name)
    if resource == "goals":
        return Goal.objects.filter(plan=plan).order_by("pk").last()
    if resource == "indicators":
        return Indicator.objects.filter(goal__plan=plan).order_by("pk").last()
    if resource == "measurements":
        return Measurement.objects.filter(indicator__goal__plan=plan).order_by("pk").last()
    return AreaStatistic.objects.filter(scope="area", area__in=plan.areas.all()).order_by("pk").last()


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("username", list(EXPECTED))
def test_list_shows_exactly_the_users_scope(demo, api, username, resource):
    ids = all_ids(api(username), f"/api/v1/{resource}/")
    assert len(ids) == len(set(ids))
    expected = expected_ids(username, resource)
    assert set(ids) == expected
    assert expected


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("username", list(EXPECTED))
def test_retrieve_is_200_inside_and_404_outside_scope(demo, api, username, resource):
    client = api(username)
    visible = expected_ids(username, resource)
    for plan_name in (PLAN_A1, PLAN_A2, PLAN_B):
        row = a_row(resource, plan_name)
        response = client.get(f"/api/v1/{resource}/{row.pk}/")
        assert response.status_code == (200 if row.pk in visible else 404), (plan_name, response.content)


def test_steering_group_member_sees_strategic_goals_and_only_their_groups_delmaal(demo, api):
    rows = api("demo-styregruppe").get("/api/v1/goals/?page_size=500").json()["results"]
    plan = demo.plan(PLAN_A1)
    assert {row["plan"] for row in rows} == {plan.pk}
    strategic = {row["id"] for row in rows if row["level"] == "strategic"}
    assert strategic == set(Goal.objects.filter(plan=plan, level="strategic").values_list("pk", flat=True))
    own = set(plan.sub_agreements.filter(title__in=STEERING_GROUP_SUB_AGREEMENTS).values_list("pk", flat=True))
    assert {row["sub_agreement"] for row in rows if row["level"] == "sub"} == own


@pytest.mark.parametrize("username", ["demo-boligorg-2", "demo-koordinator-2"])
def test_second_kommune_sees_nothing_of_the_first(demo, api, username):
    client = api(username)
    first_kommune = demo.plan(PLAN_A1).municipality
    plan_ids = set(Plan.objects.filter(municipality=first_kommune).values_list("pk", flat=True))
    area_ids = set(HousingArea.objects.filter(plans__in=plan_ids).values_list("pk", flat=True))
    for resource in ["goals", "indicators", "measurements"]:
        for row in client.get(f"/api/v1/{resource}/?page_size=500").json()["results"]:
            assert row["plan"] not in plan_ids
        for plan_id in plan_ids:
            assert client.get(f"/api/v1/{resource}/?plan={plan_id}").json()["count"] == 0
    statistics = all_ids(client, "/api/v1/area-statistics/")
    rows = AreaStatistic.objects.filter(pk__in=statistics)
    assert not rows.filter(area__in=area_ids).exists()
    assert not rows.filter(municipality=first_kommune).exists()
    assert rows.filter(scope="country").exists()


def test_indicators_carry_their_targets_and_derived_status(demo, api):
    indicator = Indicator.objects.filter(goal__plan=demo.plan(PLAN_A1), targets__isnull=False).order_by("pk").first()
    body = api("demo-boligorg").get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert [(t["due_date"], Decimal(t["value"])) for t in body["targets"]] == [
        (t.due_date.isoformat(), t.value) for t in indicator.targets.order_by("due_date")
    ]
    expected = indicator_assessment(
        indicator, measurements=list(indicator.measurements.filter(status="approved", breakdown_value=""))
    ).status
    assert body["status"] == expected.value
    assert body["status_label"] == expected.label
    assert body["plan"] == demo.plan(PLAN_A1).pk
    statuses = {row["status"] for row in api("demo-admin").get("/api/v1/indicators/?page_size=500").json()["results"]}
    assert statuses <= {"on_track", "at_risk", "off_track", "no_data"}
    assert len(statuses) > 1


def test_goal_status_is_the_worst_of_its_indicators(demo, api):
    client = api("demo-admin")
    severity = {"no_data": 0, "on_track": 1, "at_risk": 2, "off_track": 3}
    indicators = {row["id"]: row for row in client.get("/api/v1/indicators/?page_size=500").json()["results"]}
    for goal in client.get("/api/v1/goals/?page_size=500").json()["results"]:
        own = [indicators[pk]["status"] for pk in goal["indicators"]]
        assert goal["status"] == max(own, key=severity.get, default="no_data")


def test_filters(demo, api):
    client = api("demo-admin")
    plan = demo.plan(PLAN_A1)
    body = client.get(f"/api/v1/goals/?plan={plan.pk}&level=sub&page_size=500").json()
    assert {row["id"] for row in body["results"]} == set(
        Goal.objects.filter(plan=plan, level="sub").values_list("pk", flat=True)
    )
    goal = Goal.objects.filter(plan=plan, indicators__isnull=False).order_by("pk").first()
    body = client.get(f"/api/v1/indicators/?goal={goal.pk}").json()
    assert {row["id"] for row in body["results"]} == set(goal.indicators.values_list("pk", flat=True))
    body = client.get(f"/api/v1/indicators/?plan={plan.pk}&data_source=lbf&page_size=500").json()
    expected = Indicator.objects.filter(goal__plan=plan, data_source="lbf")
    assert {row["id"] for row in body["results"]} == set(expected.values_list("pk", flat=True))
    assert body["count"] > 0


def test_measurement_filters_by_indicator_period_and_status(demo, api):
    client = api("demo-admin")
    indicator = Indicator.objects.filter(frequency="quarterly", measurements__isnull=False).order_by("pk").first()
    rows = client.get(f"/api/v1/measurements/?indicator={indicator.pk}&page_size=500").json()["results"]
    assert {row["indicator"] for row in rows} == {indicator.pk}
    assert len(rows) == indicator.measurements.count()
    years = sorted({m.period_start.year for m in indicator.measurements.all()})
    year = years[len(years) // 2]
    expected = indicator.measurements.filter(period_start__year=year)
    for query in (f"period_after={year}&period_before={year}", f"period_after={year}-01-01&period_before={year}-Q4"):
        rows = client.get(f"/api/v1/measurements/?indicator={indicator.pk}&{query}").json()["results"]
        assert {row["id"] for row in rows} == set(expected.values_list("pk", flat=True)), query
    rows = client.get(f"/api/v1/measurements/?period_after={year}-Q2&page_size=500").json()["results"]
    assert rows and all(row["period_start"] >= f"{year}-04-01" for row in rows)
    drafts = client.get("/api/v1/measurements/?status=draft&page_size=500").json()
    assert drafts["count"] == Measurement.objects.filter(status="draft").count() > 0
    assert {row["status"] for row in drafts["results"]} == {"draft"}


@pytest.mark.parametrize(
    ("resource", "query"),
    [
        ("measurements", "period_after=2025-Q5"),
        ("measurements", "period_before=yesterday"),
        ("measurements", "status=final"),
        ("measurements", "indicator=abc"),
        ("indicators", "data_source=twitter"),
        ("goals", "level=top"),
        ("area-statistics", "scope=planet"),
    ],
)
def test_bad_filters_are_400_in_the_error_shape(api, resource, query):
    response = api("demo-admin").get(f"/api/v1/{resource}/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][query.split("=")[0]]


def test_measurements_page_in_a_stable_order(api):
    client = api("demo-admin")
    first = client.get("/api/v1/measurements/?page_size=25").json()
    second = client.get(first["next"]).json()
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}
    assert client.get("/api/v1/measurements/?page_size=25").json() == first


@pytest.mark.parametrize("resource", ["goals", "indicators", "area-statistics"])
@pytest.mark.parametrize("username", ["demo-boligorg", "demo-sekretariatsleder", "demo-admin"])
def test_read_only_resources_refuse_writes(demo, api, username, resource):
    client = api(username)
    row = a_row(resource, PLAN_A1)
    assert client.post(f"/api/v1/{resource}/", {}, format="json").status_code == 405
    assert client.patch(f"/api/v1/{resource}/{row.pk}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/v1/{resource}/{row.pk}/").status_code == 405


# --- measurement writes -------------------------------------------------------------------------


def period_for(indicator: Indicator, year: int, part: int = 1) -> str:
    return {"quarterly": f"{year}-Q{part}", "half_yearly": f"{year}-H{min(part, 2)}", "yearly": str(year)}[
        indicator.frequency
    ]


def an_indicator(demo, plan_name: str, *, sub_agreements=None, lbf: bool = False, breakdown=None) -> Indicator:
    rows = Indicator.objects.filter(goal__plan=demo.plan(plan_name))
    if sub_agreements is None:
        rows = rows.filter(goal__level="strategic")
    else:
        rows = rows.filter(goal__sub_agreement__title__in=sub_agreements)
    rows = rows.filter(data_source="lbf") if lbf else rows.exclude(data_source="lbf")
    if breakdown is not None:
        rows = rows.exclude(breakdown_dimension="") if breakdown else rows.filter(breakdown_dimension="")
    return rows.order_by("pk").first()


def payload(indicator: Indicator, year: int = 2015, part: int = 1, **extra) -> dict:
    # A year before every demo plan: no demo measurement for it, and not in the future (rejected).
    return {"indicator": indicator.pk, "period": period_for(indicator, year, part), "value": "42.5", **extra}


def snapshot() -> list[tuple]:
    return list(Measurement.objects.order_by("pk").values_list())


# username -> (which indicator, expected status)
MEASUREMENT_CREATE = [
    ("demo-boligorg", PLAN_A1, None, 201),
    ("demo-boligorg", PLAN_A2, None, 201),
    ("demo-boligorg-2", PLAN_B, None, 201),
    ("demo-sekretariatsleder", PLAN_A2, None, 201),
    ("demo-admin", PLAN_B, None, 201),
    ("demo-styregruppe", PLAN_A1, STEERING_GROUP_SUB_AGREEMENTS, 201),  # their group's delmål
    ("demo-styregruppe", PLAN_A1, None, 403),  # the plan's strategic goals: visible, not theirs to measure
    ("demo-bestyrelse", PLAN_A1, None, 403),
    ("demo-koordinator", PLAN_A1, None, 403),
    ("demo-boligorg", PLAN_B, None, 400),  # invisible indicator: "does not exist", nothing revealed
    ("demo-boligorg-2", PLAN_A1, None, 400),
    ("demo-koordinator-2", PLAN_A2, None, 400),
]


@pytest.mark.parametrize(("username", "plan_name", "sub_agreements", "expected"), MEASUREMENT_CREATE)
def test_measurement_create_by_role(demo, api, username, plan_name, sub_agreements, expected):
    indicator = an_indicator(demo, plan_name, sub_agreements=sub_agreements)
    client = api(username)
    before = snapshot()
    response = client.post("/api/v1/measurements/", payload(indicator), format="json")
    assert response.status_code == expected, response.content
    body = response.json()
    if expected != 201:
        assert snapshot() == before
        assert set(body) == {"detail", "errors"}
        if expected == 400:
            assert "indicator" in body["errors"]
        return
    created = Measurement.objects.get(pk=body["id"])
    assert (created.status, created.entered_by, created.value) == ("draft", client.user, Decimal("42.5"))
    assert body["status"] == "draft"
    assert body["plan"] == demo.plan(plan_name).pk
    assert body["period_start"] == created.period_start.isoformat()
    history = created.history.get()
    assert history.history_user == client.user


def test_status_and_author_cannot_be_sent(demo, api):
    client = api("demo-boligorg")
    indicator = an_indicator(demo, PLAN_A1)
    other = demo.user("demo-sekretariatsleder")
    response = client.post(
        "/api/v1/measurements/",
        payload(indicator, status="approved", entered_by=other.pk, approved_by=other.pk),
        format="json",
    )
    assert response.status_code == 201
    created = Measurement.objects.get(pk=response.json()["id"])
    assert (created.status, created.entered_by, created.approved_by) == ("draft", client.user, None)


def test_lbf_indicators_take_no_measurements_from_the_api(demo, api):
    indicator = an_indicator(demo, PLAN_A1, lbf=True)
    before = snapshot()
    response = api("demo-sekretariatsleder").post("/api/v1/measurements/", payload(indicator), format="json")
    assert response.status_code == 400
    assert "LBF" in str(response.json()["errors"])
    assert snapshot() == before


def _existing_period(demo):
    measurement = Measurement.objects.filter(indicator=an_indicator(demo, PLAN_A1), breakdown_value="").first()
    return {"period": measurement.period}


BAD_MEASUREMENTS = [
    ({"period": "2025-Q5"}, "period"),
    ({"period": "sidste år"}, "period"),
    ({"period": "2025-13"}, "period"),
    ({"value": "abc"}, "value"),
    ({"value": None}, "value"),
    ({"value": "1e20"}, "value"),
    ({"indicator": 99999999}, "indicator"),
    ({"indicator": None}, "indicator"),
    ({"source_note": "x" * 256}, "source_note"),
    ({"breakdown_value": "Piger"}, "breakdown_value"),  # the indicator has no breakdown
]


@pytest.mark.parametrize(("change", "field"), BAD_MEASUREMENTS)
def test_bad_measurement_input_is_400_with_field_errors_and_changes_nothing(demo, api, change, field):
    indicator = an_indicator(demo, PLAN_A1, breakdown=False)
    before = snapshot()
    response = api("demo-boligorg").post("/api/v1/measurements/", {**payload(indicator), **change}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert snapshot() == before


def test_wrong_frequency_and_duplicate_periods_are_400(demo, api):
    indicator = an_indicator(demo, PLAN_A1)
    wrong = "2015" if indicator.frequency != "yearly" else "2015-Q1"
    client = api("demo-boligorg")
    before = snapshot()
    response = client.post("/api/v1/measurements/", payload(indicator, period=wrong), format="json")
    assert response.status_code == 400
    assert "period" in response.json()["errors"]
    existing = Measurement.objects.filter(indicator=indicator, breakdown_value="").first()
    response = client.post("/api/v1/measurements/", payload(indicator, period=existing.period), format="json")
    assert response.status_code == 400
    assert "period" in response.json()["errors"]
    assert snapshot() == before


def a_measurement(demo, plan_name: str, status: str) -> Measurement:
    measurement = (
        Measurement.objects.filter(indicator__goal__plan=demo.plan(plan_name), status=status)
        .exclude(indicator__data_source="lbf")
        .order_by("pk")
        .first()
    )
    assert measurement is not None
    return measurement


MEASUREMENT_UPDATE = [
    ("demo-boligorg", PLAN_A1, 200),
    ("demo-sekretariatsleder", PLAN_A2, 200),
    ("demo-boligorg-2", PLAN_B, 200),
    ("demo-bestyrelse", PLAN_A1, 403),
    ("demo-koordinator", PLAN_A2, 403),
    ("demo-boligorg", PLAN_B, 404),
    ("demo-boligorg-2", PLAN_A1, 404),
    ("demo-koordinator-2", PLAN_A2, 404),
    ("demo-bestyrelse", PLAN_A2, 404),
]


@pytest.mark.parametrize(("username", "plan_name", "expected"), MEASUREMENT_UPDATE)
def test_draft_update_by_role(demo, api, username, plan_name, expected):
    measurement = a_measurement(demo, plan_name, "draft")
    client = api(username)
    response = client.patch(f"/api/v1/measurements/{measurement.pk}/", {"value": "12.25", "source_note": "rettet"})
    assert response.status_code == expected, response.content
    measurement.refresh_from_db()
    assert (measurement.value == Decimal("12.25")) is (expected == 200)
    if expected == 200:
        assert measurement.status == "draft"
        assert measurement.entered_by == client.user  # the last editor is the author; someone else approves
        latest = measurement.history.order_by("-history_date", "-history_id").first()
        assert (latest.history_type, latest.history_user) == ("~", client.user)


def test_draft_put_replaces_its_fields(demo, api):
    measurement = a_measurement(demo, PLAN_A1, "draft")
    body = payload(measurement.indicator, year=2014, part=2, source_note="PUT")
    response = api("demo-boligorg").put(f"/api/v1/measurements/{measurement.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    measurement.refresh_from_db()
    assert (measurement.period, measurement.source_note) == (body["period"], "PUT")


@pytest.mark.parametrize("username", ["demo-boligorg", "demo-sekretariatsleder", "demo-admin"])
def test_approved_measurements_cannot_be_changed(demo, api, username):
    measurement = a_measurement(demo, PLAN_A1, "approved")
    before = snapshot()
    response = api(username).patch(f"/api/v1/measurements/{measurement.pk}/", {"value": "1"})
    assert response.status_code == 403
    assert "godkendt" in response.json()["detail"]
    assert snapshot() == before


def test_a_draft_cannot_be_moved_to_an_indicator_outside_the_users_rights(demo, api):
    measurement = a_measurement(demo, PLAN_A1, "draft")
    before = snapshot()
    invisible = an_indicator(demo, PLAN_B)
    client = api("demo-boligorg")
    response = client.patch(f"/api/v1/measurements/{measurement.pk}/", {"indicator": invisible.pk})
    assert response.status_code == 400
    lbf = an_indicator(demo, PLAN_A1, lbf=True)
    response = client.patch(f"/api/v1/measurements/{measurement.pk}/", {"indicator": lbf.pk})
    assert response.status_code == 400
    response = client.patch(f"/api/v1/measurements/{measurement.pk}/", {"period": "2025-Q9"})
    assert response.status_code == 400
    assert snapshot() == before


def test_measurements_are_never_deleted(demo, api):
    measurement = a_measurement(demo, PLAN_A1, "draft")
    assert api("demo-admin").delete(f"/api/v1/measurements/{measurement.pk}/").status_code == 405
    assert Measurement.objects.filter(pk=measurement.pk).exists()


# --- bulk and Idempotency-Key -------------------------------------------------------------------

URL = "/api/v1/measurements/"


def periods_of(indicator: Indicator, year: int) -> list[str]:
    parts = {"quarterly": 4, "half_yearly": 2, "yearly": 1}[indicator.frequency]
    return [period_for(indicator, year, part) for part in range(1, parts + 1)]


def items(demo, count: int, plan_name: str = PLAN_A1, first_year: int = 1950, levels=("strategic",)) -> list[dict]:
    """``count`` new measurements for the plan's non-LBF indicators of these goal levels, in years nobody uses."""
    indicators = list(
        Indicator.objects.filter(goal__plan=demo.plan(plan_name), goal__level__in=levels)
        .exclude(data_source="lbf")
        .order_by("pk")
    )
    combos = (
        (indicator, period)
        for year in range(first_year, 2000)
        for indicator in indicators
        for period in periods_of(indicator, year)
    )
    rows = [
        {"indicator": indicator.pk, "period": period, "value": str(n)}
        for n, (indicator, period) in zip(range(count), combos, strict=False)
    ]
    assert len(rows) == count
    return rows


def created(client) -> int:
    return Measurement.objects.filter(entered_by=client.user, period_start__year__lt=2000).count()


def test_a_list_creates_all_drafts_and_answers_with_the_list(demo, api):
    client = api("demo-boligorg")
    payload_ = items(demo, 6) + items(demo, 3, PLAN_A2)
    response = client.post(URL, payload_, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(row["indicator"], row["period"]) for row in body] == [(i["indicator"], i["period"]) for i in payload_]
    assert {row["status"] for row in body} == {"draft"}
    rows = Measurement.objects.filter(pk__in=[row["id"] for row in body])
    assert rows.count() == 9
    for measurement in rows:
        assert measurement.entered_by == client.user
        history = measurement.history.get()
        assert (history.history_user, history.history_change_reason) == (client.user, "Indtastet")
        assert measurement.period_start and measurement.period_end


def test_one_bad_item_saves_nothing_and_reports_each_failing_index(demo, api):
    client = api("demo-boligorg")
    payload_ = items(demo, 6)
    payload_[1]["value"] = "abc"
    payload_[3]["period"] = "1950-Q7"
    payload_[5] = {**payload_[0]}  # the same indicator and period twice
    before = snapshot()
    response = client.post(URL, payload_, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [error["index"] for error in errors] == [1, 3]  # serializer errors first: nothing else ran
    assert set(errors[0]) == {"index", "value"}
    response = client.post(URL, [p for i, p in enumerate(payload_) if i not in (1, 3)], format="json")
    assert response.status_code == 400
    assert [(error["index"], list(error)) for error in response.json()["errors"]] == [(3, ["index", "period"])]
    assert snapshot() == before


def test_model_validation_errors_in_a_list_are_per_item(demo, api):
    client = api("demo-boligorg")
    payload_ = items(demo, 4)
    indicator = Indicator.objects.get(pk=payload_[2]["indicator"])
    payload_[2]["period"] = "1950" if indicator.frequency != "yearly" else "1950-Q1"  # wrong frequency
    existing = Measurement.objects.filter(indicator_id=payload_[3]["indicator"], breakdown_value="").first()
    payload_[3]["period"] = existing.period  # already in the database
    before = snapshot()
    response = client.post(URL, payload_, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [(error["index"], "period" in error) for error in errors] == [(2, True), (3, True)]
    assert snapshot() == before


def test_a_list_with_an_lbf_indicator_is_400_at_its_index(demo, api):
    payload_ = items(demo, 2)
    lbf = an_indicator(demo, PLAN_A1, lbf=True)
    payload_.append({"indicator": lbf.pk, "period": period_for(lbf, 1950), "value": "1"})
    before = snapshot()
    response = api("demo-boligorg").post(URL, payload_, format="json")
    assert response.status_code == 400
    assert [error["index"] for error in response.json()["errors"]] == [2]
    assert snapshot() == before


def test_a_list_touching_an_indicator_the_user_may_not_measure_is_403_and_saves_nothing(demo, api):
    own = items(demo, 2)
    own_group = an_indicator(demo, PLAN_A1, sub_agreements=STEERING_GROUP_SUB_AGREEMENTS)
    own = [{"indicator": own_group.pk, "period": period_for(own_group, 1950), "value": "1"}]
    before = snapshot()
    response = api("demo-styregruppe").post(URL, own + items(demo, 2), format="json")
    assert response.status_code == 403
    assert snapshot() == before
    assert api("demo-bestyrelse").post(URL, items(demo, 2), format="json").status_code == 403
    assert snapshot() == before


def test_a_list_with_an_invisible_indicator_is_400_at_its_index(demo, api):
    payload_ = items(demo, 2) + items(demo, 1, PLAN_B)
    before = snapshot()
    response = api("demo-boligorg").post(URL, payload_, format="json")
    assert response.status_code == 400
    assert [error["index"] for error in response.json()["errors"]] == [2]
    assert snapshot() == before


def test_the_limit_is_5000_per_request(demo, api, monkeypatch):
    client = api("demo-boligorg")
    response = client.post(URL, [{"indicator": 1}] * 5001, format="json")
    assert response.status_code == 400
    assert "5000" in response.json()["errors"]["non_field_errors"][0]
    monkeypatch.setattr(MeasurementViewSet, "bulk_max_items", 2)
    assert client.post(URL, items(demo, 3), format="json").status_code == 400
    assert created(client) == 0


def test_bulk_create_queries_do_not_grow_with_items(demo, api):
    """Lookups and checks are a fixed set of queries; rows go in with bulk inserts of many rows each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api("demo-boligorg")
    small = items(demo, 20)
    large = items(demo, 400, first_year=1900, levels=("strategic", "sub"))
    counts = []
    for payload_ in (small, large):
        with CaptureQueriesContext(connection) as context:
            assert client.post(URL, payload_, format="json").status_code == 201
        sql = [query["sql"] for query in context.captured_queries]
        inserts = [q for q in sql if q.startswith('INSERT INTO "monitoring_')]
        others = [q for q in sql if q not in inserts and "portal_apitoken" not in q]
        counts.append(len(others))
        assert len(inserts) <= 2 * -(-len(payload_) // 50)  # measurements and history rows, in batches
    assert counts[0] == counts[1] <= 10
    assert created(client) == 420


def test_bulk_validation_queries_do_not_grow_with_items(demo, api, django_assert_max_num_queries):
    client = api("demo-boligorg")
    bad = items(demo, 400, first_year=1900, levels=("strategic", "sub"))
    for item in bad:
        item["period"] = "1901-Q9"  # every item fails in the service's model validation
    with django_assert_max_num_queries(15):
        response = client.post(URL, bad, format="json")
    assert response.status_code == 400
    assert len(response.json()["errors"]) == 400


def test_a_large_bulk_is_all_saved(demo, api):
    client = api("demo-boligorg")
    response = client.post(URL, items(demo, 1000, first_year=1900, levels=("strategic", "sub")), format="json")
    assert response.status_code == 201
    assert len(response.json()) == created(client) == 1000


def test_a_retried_bulk_request_with_the_same_key_creates_nothing_twice(demo, api):
    client = api("demo-boligorg")
    key = str(uuid.uuid4())
    payload_ = items(demo, 5)
    first = client.post(URL, payload_, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201
    second = client.post(URL, payload_, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert created(client) == 5
    other = client.post(URL, items(demo, 1, first_year=1970), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert other.status_code == 422
    assert created(client) == 5


def test_a_failed_bulk_request_can_be_fixed_and_retried_with_the_same_key(demo, api):
    client = api("demo-boligorg")
    payload_ = items(demo, 3)
    payload_[2]["value"] = "x"
    assert client.post(URL, payload_, format="json", HTTP_IDEMPOTENCY_KEY="fix-me").status_code == 400
    payload_[2]["value"] = "3"
    assert client.post(URL, payload_, format="json", HTTP_IDEMPOTENCY_KEY="fix-me").status_code == 201
    assert created(client) == 3


# --- query counts: constant in the number of rows -------------------------------------------------


def _grow(demo, extra: int) -> None:
    from .factories import GoalFactory, IndicatorFactory, MeasurementFactory, TargetFactory

    plan = demo.plan(PLAN_A1)
    for n in range(extra // 10):
        goal = GoalFactory(plan=plan, title=f"Vækstmål {n}")
        for m in range(2):
            indicator = IndicatorFactory(goal=goal)
            TargetFactory(indicator=indicator)
            for year in range(2023, 2026):
                MeasurementFactory(indicator=indicator, period=f"{year}-Q{m + 1}")
    area = plan.areas.order_by("pk").first()
    AreaStatistic.objects.bulk_create(
        AreaStatistic(
            scope="area",
            area=area,
            indicator_code=f"VAEKST{n}",
            period="2024",
            period_start="2024-01-01",
            period_end="2024-12-31",
            value=n,
        )
        for n in range(extra)
    )


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_query_count_does_not_grow_with_rows(demo, api, django_assert_max_num_queries, resource):
    client = api("demo-boligorg")
    url = f"/api/v1/{resource}/?page_size=200"
    with django_assert_max_num_queries(8):
        small = client.get(url)
    _grow(demo, 60)
    with django_assert_max_num_queries(8):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert large.json()["count"] > small.json()["count"]


# --- the services behind the API -----------------------------------------------------------------


def test_measurement_update_refuses_approved_measurements_and_outsiders(demo):
    from django.core.exceptions import PermissionDenied, ValidationError

    from monitoring.services import measurement_update

    before = snapshot()
    approved = a_measurement(demo, PLAN_A1, "approved")
    with pytest.raises(ValidationError):
        measurement_update(measurement=approved, changed_by=demo.user("demo-boligorg"), value=Decimal("1"))
    draft = a_measurement(demo, PLAN_A1, "draft")
    with pytest.raises(PermissionDenied):
        measurement_update(measurement=draft, changed_by=demo.user("demo-bestyrelse"), value=Decimal("1"))
    with pytest.raises(PermissionDenied):
        measurement_update(
            measurement=draft, changed_by=demo.user("demo-boligorg"), indicator=an_indicator(demo, PLAN_B)
        )
    assert snapshot() == before


def test_measurement_create_many_refuses_indicators_the_user_may_not_measure(demo):
    from django.core.exceptions import PermissionDenied

    from monitoring.services import measurement_create_many

    indicator = an_indicator(demo, PLAN_A1)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        measurement_create_many(
            items=[{"indicator": indicator, "period": period_for(indicator, 1950), "value": Decimal("1")}],
            entered_by=demo.user("demo-koordinator"),
        )
    assert snapshot() == before
