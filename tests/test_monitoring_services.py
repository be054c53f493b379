"""Målstyring services: entering and approving measurements, reasons for changes, LBF data."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from monitoring import services
from monitoring.area_statistics import area_statistics_import, read_area_statistics_file
from monitoring.models import AreaStatistic, Goal, Indicator, Measurement, Target
from plans.models import HousingArea

from .conftest import PLAN_A1, PLAN_B
from .factories import GoalFactory, IndicatorFactory, TargetFactory

GROUP_INDICATOR = "Unge 13–17 år med fritidsjob"  # a delmål of "Delaftale: Beskæftigelse"
STRATEGIC_INDICATOR = "Andel 18–24-årige i gang med eller færdige med en ungdomsuddannelse"


def _indicator(demo, name, plan=PLAN_A1) -> Indicator:
    return Indicator.objects.get(goal__plan=demo.plan(plan), name=name)


def test_measurement_is_entered_as_a_draft_with_its_period_dates(demo):
    user = demo.user("demo-boligorg")
    measurement = services.measurement_create(
        indicator=_indicator(demo, GROUP_INDICATOR), period="2026-q4", value=Decimal("61"), entered_by=user
    )
    assert measurement.status == Measurement.Status.DRAFT
    assert (measurement.period, measurement.period_start, measurement.period_end) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert measurement.history.first().history_user == user


@pytest.mark.parametrize(
    ("period", "value", "breakdown"),
    [
        ("2026", "61", ""),  # a yearly period for a quarterly indicator
        ("2026-Q9", "61", ""),
        ("2026-Q1", "61", ""),  # already measured
        ("2026-Q4", "61", "Ukendt opdeling med et meget langt navn" * 5),  # too long
    ],
)
def test_bad_measurement_changes_nothing(demo, period, value, breakdown):
    indicator = _indicator(demo, GROUP_INDICATOR)
    before = Measurement.objects.count()
    with pytest.raises(ValidationError):
        services.measurement_create(
            indicator=indicator,
            period=period,
            value=Decimal(value),
            breakdown_value=breakdown,
            entered_by=demo.user("demo-boligorg"),
        )
    assert Measurement.objects.count() == before


def test_measurement_entry_follows_the_access_rule(demo):
    strategic = _indicator(demo, STRATEGIC_INDICATOR)
    group = _indicator(demo, GROUP_INDICATOR)
    # The steering-group member enters measurements for their delaftale, not for strategic goals.
    services.measurement_create(
        indicator=group, period="2026-Q4", value=Decimal(60), entered_by=demo.user("demo-styregruppe")
    )
    for username, indicator in [
        ("demo-styregruppe", strategic),
        ("demo-koordinator", strategic),
        ("demo-bestyrelse", group),
        ("demo-koordinator-2", group),
    ]:
        with pytest.raises(PermissionDenied):
            services.measurement_create(
                indicator=indicator, period="2026", value=Decimal(1), entered_by=demo.user(username)
            )


def test_lbf_indicators_take_no_typed_measurements(demo):
    indicator = Indicator.objects.filter(goal__plan=demo.plan(PLAN_A1), data_source="lbf").first()
    with pytest.raises(ValidationError):
        services.measurement_create(
            indicator=indicator,
            period="2026-H2",
            value=Decimal(1),
            entered_by=demo.user("demo-sekretariatsleder"),
        )


def test_nobody_approves_their_own_measurement(demo):
    lead = demo.user("demo-sekretariatsleder")
    measurement = services.measurement_create(
        indicator=_indicator(demo, GROUP_INDICATOR), period="2026-Q4", value=Decimal(61), entered_by=lead
    )
    with pytest.raises(ValidationError, match="egen"):
        services.measurement_approve(measurement=measurement, approved_by=lead)
    measurement.refresh_from_db()
    assert measurement.status == Measurement.Status.DRAFT and measurement.approved_by is None


def test_only_managers_approve(demo):
    measurement = services.measurement_create(
        indicator=_indicator(demo, GROUP_INDICATOR),
        period="2026-Q4",
        value=Decimal(61),
        entered_by=demo.user("demo-boligorg"),
    )
    for username in ("demo-styregruppe", "demo-koordinator", "demo-bestyrelse", "demo-koordinator-2"):
        with pytest.raises(PermissionDenied):
            services.measurement_approve(measurement=measurement, approved_by=demo.user(username))
    lead = demo.user("demo-sekretariatsleder")
    services.measurement_approve(measurement=measurement, approved_by=lead)
    measurement.refresh_from_db()
    assert measurement.status == Measurement.Status.APPROVED and measurement.approved_by == lead
    assert measurement.history.first().history_change_reason == "Godkendt"
    with pytest.raises(ValidationError):
        services.measurement_approve(measurement=measurement, approved_by=demo.user("demo-admin"))


def test_goal_change_requires_a_reason_kept_in_history(demo):
    goal = Goal.objects.filter(plan=demo.plan(PLAN_A1), level="strategic").first()
    title = goal.title
    lead = demo.user("demo-sekretariatsleder")
    for reason in ("", "   "):
        with pytest.raises(ValidationError):
            services.goal_update(goal=goal, changed_by=lead, reason=reason, title="Nyt navn")
    goal.refresh_from_db()
    assert goal.title == title
    services.goal_update(goal=goal, changed_by=lead, reason="Bestyrelsen skærpede målet", title="Nyt navn")
    latest = goal.history.first()
    assert (latest.title, latest.history_change_reason, latest.history_user) == (
        "Nyt navn",
        "Bestyrelsen skærpede målet",
        lead,
    )


def test_target_change_requires_a_reason_kept_in_history(db):
    target = TargetFactory()
    with pytest.raises(ValidationError):
        services.target_update(target=target, changed_by=None, reason="", value=Decimal(80))
    target.refresh_from_db()
    assert target.value == Decimal(70)
    services.target_update(target=target, changed_by=None, reason="Midtvejsevaluering", value=Decimal(80))
    assert target.history.first().history_change_reason == "Midtvejsevaluering"
    assert [h.value for h in target.history.all()] == [Decimal(80), Decimal(70)]


def test_goal_invariants(db):
    strategic = GoalFactory()
    other_plan_goal = GoalFactory()
    sub = Goal(plan=strategic.plan, level=Goal.Level.SUB, title="Delmål uden delaftale")
    with pytest.raises(ValidationError, match="delaftale"):
        sub.full_clean()
    with pytest.raises(ValidationError):
        services.goal_create(
            plan=strategic.plan,
            level=Goal.Level.STRATEGIC,
            title="Strategisk mål der bidrager",
            contributes_to=other_plan_goal,
        )
    with pytest.raises(ValidationError):
        services.indicator_create(
            goal=strategic,
            name="LBF uden kode",
            unit="%",
            direction="higher",
            data_source="lbf",
            frequency="yearly",
            baseline_value=Decimal(1),
            baseline_date=date(2023, 1, 1),
        )
    with pytest.raises(ValidationError):
        Target(indicator=IndicatorFactory(goal=strategic), value=1, due_date=date(2022, 1, 1)).full_clean()


def _area_csv(text: str, name="lbf.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_area_statistics_import_feeds_lbf_indicators(db):
    indicator = IndicatorFactory(
        data_source="lbf",
        lbf_indicator_code="TEST_KODE",
        frequency="half_yearly",
        baseline_date=date(2023, 1, 1),
    )
    plan = indicator.goal.plan
    area = plan.areas.get()
    area.residents = 1000
    area.save()
    second = HousingArea.objects.create(
        name="Andet område", code="T-ANDET", municipality=plan.municipality, residents=3000
    )
    plan.areas.add(second)
    plan.municipality.code = "999"
    plan.municipality.save()
    csv = (
        "area_code;indicator_code;period;value\n"
        f"{area.code};TEST_KODE;2023-H2;10\n"
        f"{second.code};TEST_KODE;2023-H2;20\n"
        "KOMMUNE:999;TEST_KODE;2023-H2;8\n"
        "LAND;TEST_KODE;2023-H2;5,5\n"
        f"{area.code};TEST_KODE;2022-H2;30\n"  # before the baseline: history only
    )
    result = area_statistics_import(rows=read_area_statistics_file(_area_csv(csv)))
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert AreaStatistic.objects.get(scope="country", indicator_code="TEST_KODE").value == Decimal("5.5")
    # The plan's value is the resident-weighted mean of its areas: (10×1000 + 20×3000) / 4000 = 17.5.
    measurement = indicator.measurements.get()
    assert (measurement.period, measurement.value, measurement.status) == (
        "2023-H2",
        Decimal("17.5"),
        "approved",
    )
    # Importing the same file again changes nothing.
    again = area_statistics_import(rows=read_area_statistics_file(_area_csv(csv)))
    assert (again.created, again.updated, again.unchanged, again.measurements_changed) == (0, 0, 5, 0)


def test_area_statistics_with_a_bad_row_save_nothing(db, tmp_path, capsys):
    area = IndicatorFactory().goal.plan.areas.get()
    path = tmp_path / "lbf.csv"
    path.write_text(
        "områdekode,indikatorkode,periode,værdi\n"
        f"{area.code},KODE,2024-H1,10\n"
        "UKENDT,KODE,2024-H1,10\n"
        f"{area.code},KODE,2024-H9,10\n"
        f"{area.code},KODE,2024-H2,ti\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        call_command("import_area_statistics", str(path))
    err = capsys.readouterr().err
    assert "Række 3, kolonne area_code" in err
    assert "Række 4, kolonne period" in err
    assert "Række 5, kolonne value" in err
    assert not AreaStatistic.objects.filter(indicator_code="KODE").exists()


def test_import_area_statistics_command(db, tmp_path):
    area = IndicatorFactory().goal.plan.areas.get()
    path = tmp_path / "lbf.csv"
    path.write_text(f"area_code,indicator_code,period,value\n{area.code},KODE,2024-H1,10\nLAND,KODE,2024-H1,7\n")
    call_command("import_area_statistics", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert AreaStatistic.objects.filter(indicator_code="KODE").count() == 2


def test_demo_lbf_indicators_read_the_area_statistics(demo):
    plan = demo.plan(PLAN_B)  # one area
    indicator = Indicator.objects.get(goal__plan=plan, lbf_indicator_code="SIGTEDE_UNGE")
    area = plan.areas.get()
    for measurement in indicator.measurements.all():
        statistic = AreaStatistic.objects.get(
            scope="area", area=area, indicator_code="SIGTEDE_UNGE", period=measurement.period
        )
        assert measurement.value == statistic.value
    assert indicator.measurements.count() >= 6
