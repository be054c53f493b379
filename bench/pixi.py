"""One pixi report against bare WeasyPrint of the same final HTML (issue 13, item 2).

    .venv/bin/python bench/pixi.py                      # SQLite file var/bench-pixi.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/pixi.py

For a benchmark table (``manage.py bench``) call, inside a configured Django:

    from bench.pixi import bench_pixi, make_realistic_plan
    pixi_seconds, bare_seconds = bench_pixi(plan)          # any plan with data
    measurement = measure_pixi(plan)                       # the same with the page count and the parts

What is timed (median of ``repeat`` runs of each side after one warm-up run, in this process; the
two sides take turns, and each run starts after an untimed ``gc.collect()``, so a full collection of
the bench process's large heap, which happens every few renders, is not charged to whichever side
happened to trip it; a run still pays for the collections its own garbage causes):
- ``pixi_seconds``: the report's rendering path from its snapshot, as the Celery job runs it:
  ``render_report_html`` + ``render_report_pdf`` (one WeasyPrint layout, tagged PDF/UA-1, with the
  worker's cached stylesheet and font configuration);
- ``bare_seconds``: ``weasyprint.HTML(string=html).write_pdf()`` of the same final HTML as a
  standalone document (the cached stylesheet written into it as a ``<style>``), nothing else.
The snapshot (database reads) is timed apart (``snapshot_seconds``): it is not WeasyPrint's work.

``make_realistic_plan`` builds the largest plan a pixi is made for (30 goals with indicators, long
names, four delaftaler, a board with a meeting history, overdue actions, co-financing shortfalls, so
the questions for the board are many); ``bench/`` and the tests share it.
"""

import gc
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

if __name__ == "__main__":  # standalone: configure Django before the model imports below
    ROOT = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-pixi.sqlite3'}")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()

from django.db import transaction
from django.utils import timezone

from common.periods import Quarter, parse_period

PERIOD = "2026-Q3"

LONG = (
    "så flere beboere i alderen 16–29 år gennemfører en ungdomsuddannelse og kommer i varig beskæftigelse "
    "gennem en koordineret indsats mellem kommune og boligorganisation"
)


@dataclass(frozen=True)
class PixiMeasurement:
    pixi_seconds: float
    bare_seconds: float
    snapshot_seconds: float
    pages: int
    bare_pages: int
    html_bytes: int

    @property
    def ratio(self) -> float:
        return self.pixi_seconds / self.bare_seconds


def _timed(function) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _medians(functions, repeat: int) -> list[tuple[float, object]]:
    """Median seconds and last result of each function, run in turns after one warm-up run each."""
    results = [function() for function in functions]  # warm-up: a worker has rendered before
    times = [[] for _ in functions]
    for _ in range(repeat):
        for index, function in enumerate(functions):
            seconds, results[index] = _timed(function)
            times[index].append(seconds)
    return [(statistics.median(spent), result) for spent, result in zip(times, results, strict=True)]


def measure_pixi(plan, *, period: str = PERIOD, repeat: int = 5, meeting=None) -> PixiMeasurement:
    """Time one board pixi of ``plan`` (for ``meeting`` if given) against bare WeasyPrint of its HTML."""
    from weasyprint import HTML

    from governance.reports.content import (
        build_report_snapshot,
        render_report_html,
        render_report_pdf,
        standalone_html,
    )
    from governance.reports.models import StatusReport

    report = StatusReport(
        plan=plan, period=period, kind=StatusReport.Kind.PIXI, version=1, meeting=meeting, created_at=timezone.now()
    )
    if meeting is not None:
        report.data_cutoff = StatusReport.default_data_cutoff(meeting)
    [(snapshot_seconds, snapshot)] = _medians(
        [
            lambda: build_report_snapshot(
                plan=plan, period=period, kind=report.kind, meeting=meeting, data_cutoff=report.data_cutoff
            )
        ],
        1,
    )

    def pixi():
        return render_report_pdf(render_report_html(report=report, snapshot=snapshot))

    html = standalone_html(render_report_html(report=report, snapshot=snapshot))
    (pixi_seconds, (_pdf, pages)), (bare_seconds, _bare) = _medians(
        [pixi, lambda: HTML(string=html).write_pdf()], repeat
    )
    bare_pages = len(HTML(string=html).render().pages)
    return PixiMeasurement(
        pixi_seconds=pixi_seconds,
        bare_seconds=bare_seconds,
        snapshot_seconds=snapshot_seconds,
        pages=pages,
        bare_pages=bare_pages,
        html_bytes=len(html.encode()),
    )


def bench_pixi(plan, *, period: str = PERIOD, repeat: int = 5) -> tuple[float, float]:
    """(pixi_seconds, bare_seconds) for one board pixi of ``plan``: see the module's docstring."""
    measured = measure_pixi(plan, period=period, repeat=repeat)
    return measured.pixi_seconds, measured.bare_seconds


# --- The largest realistic plan ---------------------------------------------------------------------------


def _aware(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour)))


@transaction.atomic
def make_realistic_plan(
    *,
    name: str = "Helhedsplan Benchbyen Nord, Benchbyen Syd og Stationsområdet",
    strategic_goals: int = 10,
    sub_goals_per_agreement: int = 5,
    indicators_per_goal: int = 2,
    sub_agreements: int = 4,
    period: str = PERIOD,
):
    """A plan as large as real ones get: ``strategic_goals`` + ``sub_agreements`` × ``sub_goals_per_agreement``
    goals (30 by default), each with ``indicators_per_goal`` indicators measured quarterly since 2023 (most
    goals off track or at risk), long titles, a board with eight meetings and a decision per goal, overdue
    action items and parties short of their co-financing. Returns the plan."""
    from governance.bodies.models import Body
    from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting
    from monitoring.models import Goal, Indicator, Measurement, Target
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

    Org = Organisation
    quarter = Quarter.parse(period)
    suffix = Plan.objects.filter(name__startswith=name).count()
    name = f"{name} {suffix + 1}" if suffix else name
    municipality = Org.objects.create(kind=Org.Kind.MUNICIPALITY, name=f"Benchkommune for {name}")
    departments = [
        Org.objects.create(
            kind=Org.Kind.DEPARTMENT, name=f"{d}sforvaltningen, {municipality.name}", parent=municipality
        )
        for d in ("Beskæftigelse", "Børne- og Unge", "Social- og Sundhed")
    ]
    housing = [
        Org.objects.create(kind=Org.Kind.HOUSING_ORG, name=f"Boligselskabet Bench {i} af 1942 ({name})") for i in (1, 2)
    ]
    funder, _created = Org.objects.get_or_create(kind=Org.Kind.FUNDER, name="Landsbyggefonden")
    secretariat = Secretariat.objects.create(name=f"Sekretariatet for {name}", municipality=municipality)
    plan = Plan.objects.create(
        name=name,
        municipality=municipality,
        secretariat=secretariat,
        funding_period=FundingPeriod.P2019_2026,
        start_date=date(2023, 1, 1),
        end_date=date(2026, 12, 31),
        phase=Plan.Phase.ACTIVE,
    )
    plan.housing_organisations.add(*housing)
    plan.areas.add(HousingArea.objects.create(name=f"Område {name}", code=f"B-{plan.pk}", municipality=municipality))
    themes = list(ThematicArea.objects.filter(funding_period=FundingPeriod.P2019_2026).order_by("position"))
    agreements = []
    for index in range(sub_agreements):
        sa = SubAgreement.objects.create(
            plan=plan, title=f"Delaftale {index + 1}: {LONG[:90]}", thematic_area=themes[index % len(themes)]
        )
        sa.parties.add(housing[index % 2], departments[index % 3])
        Intervention.objects.bulk_create(
            Intervention(
                sub_agreement=sa,
                name=f"Indsats {index + 1}.{n}",
                responsible_partner=housing[n % 2],
                status=list(Intervention.Status)[n % len(Intervention.Status)],
            )
            for n in range(6)
        )
        agreements.append(sa)

    goals = []
    for index in range(strategic_goals):
        goals.append(
            Goal.objects.create(
                plan=plan, level=Goal.Level.STRATEGIC, title=f"Strategisk mål {index + 1}: {LONG}", position=index
            )
        )
    strategic = list(goals)
    for a_index, sa in enumerate(agreements):
        for n in range(sub_goals_per_agreement):
            goals.append(
                Goal.objects.create(
                    plan=plan,
                    level=Goal.Level.SUB,
                    sub_agreement=sa,
                    contributes_to=strategic[(a_index * sub_goals_per_agreement + n) % len(strategic)],
                    title=f"Delmål {a_index + 1}.{n + 1}: {LONG[:120]}",
                    position=n,
                )
            )
    quarters, q = [], Quarter.parse("2023-Q1")
    while q <= quarter:
        quarters.append(q)
        q = q.next()
    measurements = []
    for g_index, goal in enumerate(goals):
        for i_index in range(indicators_per_goal):
            indicator = Indicator.objects.create(
                goal=goal,
                name=f"Andel {g_index + 1}.{i_index + 1} af de 16–29-årige i området, der er i job eller uddannelse",
                unit="%",
                direction=Indicator.Direction.HIGHER_IS_BETTER,
                data_source=Indicator.DataSource.MUNICIPALITY,
                frequency=Indicator.Frequency.QUARTERLY,
                baseline_value=Decimal("50"),
                baseline_date=date(2023, 1, 1),
                position=i_index,
            )
            Target.objects.create(indicator=indicator, value=Decimal("70"), due_date=date(2026, 12, 31))
            # Three in four goals fall behind (off track or at risk): many questions for the board.
            slope = Decimal("1.5") if g_index % 4 == 0 else Decimal("0.2") if g_index % 4 == 1 else Decimal("-0.3")
            for position, q in enumerate(quarters):
                parsed = parse_period(q.code)
                measurements.append(
                    Measurement(
                        indicator=indicator,
                        period=q.code,
                        period_start=parsed.start,
                        period_end=parsed.end,
                        value=Decimal("50") + slope * position,
                        status=Measurement.Status.APPROVED,
                        approved_at=_aware(parsed.end + timedelta(days=20)),
                        source_note="Benchdata",
                    )
                )
    Measurement.objects.bulk_create(measurements, batch_size=2000)

    board = Body.objects.create(plan=plan, kind=Body.Kind.BOARD, name=f"Bestyrelsen for {name}")
    owner = Person.objects.create(name="Projektleder med et meget langt navn Andersen-Kristiansen")
    meeting_days = [quarter.start - timedelta(days=30 * n) for n in range(7, -1, -1)]
    for m_index, day in enumerate(meeting_days):
        meeting = Meeting.objects.create(
            body=board,
            title=f"Bestyrelsesmøde {day:%B %Y}",
            starts_at=_aware(day, 16),
            ends_at=_aware(day, 18),
            status=Meeting.Status.HELD if day < timezone.localdate() else Meeting.Status.PLANNED,
        )
        for position, goal in enumerate(strategic[:3], start=1):
            item = AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                title=f"Opfølgning på {goal.title[:120]}",
                kind=AgendaItem.Kind.DECISION,
                recommendation="Sekretariatet indstiller, at bestyrelsen godkender den justerede plan.",
            )
            if m_index < 5:  # decided long ago: these goals are not decided at the last two meetings
                item.goals.add(goal)
            decision = Decision.objects.create(
                agenda_item=item,
                text=f"Bestyrelsen besluttede at justere indsatsen og bad sekretariatet om en ny plan. {LONG}",
            )
            ActionItem.objects.create(
                decision=decision,
                title=f"Udarbejd en revideret handleplan for {goal.title[:80]}",
                owner=owner,
                due_date=day + timedelta(days=21),
            )
    for year in range(2023, quarter.year + 1):
        for d_index, department in enumerate(departments):
            Commitment.objects.create(
                plan=plan,
                party=department,
                year=year,
                form=Commitment.Form.CASH,
                amount=Decimal("400000"),
                delivered_amount=Decimal("400000") if d_index == 0 else Decimal("150000"),
            )
        for org in housing:
            Commitment.objects.create(
                plan=plan,
                party=org,
                year=year,
                form=Commitment.Form.CASH,
                amount=Decimal("250000"),
                delivered_amount=None,
            )
        Commitment.objects.create(
            plan=plan, party=funder, year=year, form=Commitment.Form.CASH, amount=Decimal("3000000")
        )
    return plan


def main() -> None:
    import logging

    logging.disable(logging.INFO)
    from bench.dashboards import fresh_database

    fresh_database()
    print(f"{'plan':<34}{'pages':>6}{'pixi s':>9}{'bare s':>9}{'ratio':>7}{'snapshot s':>12}")
    for label, kwargs in (
        ("30 goals × 2 indicators", {}),
        ("30 strategic goals × 3 indicators", {"strategic_goals": 30, "indicators_per_goal": 3}),
    ):
        plan = make_realistic_plan(**kwargs)
        m = measure_pixi(plan)
        print(
            f"{label:<34}{m.pages:>6}{m.pixi_seconds:>9.3f}{m.bare_seconds:>9.3f}{m.ratio:>7.2f}"
            f"{m.snapshot_seconds:>12.3f}"
        )


if __name__ == "__main__":
    main()
