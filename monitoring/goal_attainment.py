"""The målopfyldelsesskema (goal-attainment form) of a plan for a year, pre-filled from the portal's
own numbers (issue #14, item 2).

Per goal and indicator: the baseline, the target that applies, the result (the latest approved
whole-population measurement whose period ended by 31 December of the year), the status derived by
``monitoring.status`` as of that result, and the board's comment. Until the form is submitted the
figures are read live, so a measurement approved later still counts; only the comments are stored.
Submitting freezes the rows in ``snapshot``, renders the PDF from them and stores its SHA-256; the
year's målopfyldelsesskema obligation is marked submitted with that file.
"""

import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.pdf import write_tagged_pdf
from plans.models import Plan
from plans.xlsx import workbook_bytes

from .models import Goal, GoalAttainmentReport, Indicator, Measurement, Obligation, ObligationKind, Target
from .status import Point, assess

MAX_COMMENT = 2000
XLSX_HEADER = [
    "Mål",
    "Niveau",
    "Indikator",
    "Enhed",
    "Baseline",
    "Baselinedato",
    "Målværdi",
    "Måldato",
    "Resultat",
    "Periode",
    "Status",
    "Bestyrelsens kommentar",
]


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def comment_key(goal_id: int, indicator_id: int | None) -> str:
    return f"i{indicator_id}" if indicator_id else f"g{goal_id}"


def attainment_rows(*, plan: Plan, year: int, comments: dict | None = None) -> list[dict]:
    """The form's rows, one per indicator (and one for a goal without indicators), as plain values
    (JSON-able: numbers as text). Four queries whatever the number of goals."""
    comments = comments or {}
    year_end = date(year, 12, 31)
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("sub_agreement")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("position", "name").prefetch_related(
                    Prefetch("targets", queryset=Target.objects.order_by("due_date")),
                    Prefetch(
                        "measurements",
                        queryset=Measurement.objects.approved()
                        .totals()
                        .filter(period_end__lte=year_end)
                        .order_by("period_end"),
                        to_attr="approved_by_year_end",
                    ),
                ),
            )
        )
        .order_by("level", "position", "title")  # "strategic" sorts before "sub"
    )
    rows = []
    for goal in goals:
        indicators = list(goal.indicators.all())
        base = {
            "goal_id": goal.pk,
            "goal": goal.title,
            "level": str(goal.get_level_display()),
            "sub_agreement": goal.sub_agreement.title if goal.sub_agreement_id else "",
        }
        if not indicators:
            key = comment_key(goal.pk, None)
            rows.append(
                {
                    **base,
                    "key": key,
                    "indicator_id": None,
                    "indicator": "",
                    "unit": "",
                    "baseline": None,
                    "baseline_date": None,
                    "target": None,
                    "target_date": None,
                    "result": None,
                    "period": "",
                    "status": "no_data",
                    "status_label": str(_("Ingen indikator")),
                    "comment": comments.get(key, ""),
                }
            )
            continue
        for indicator in indicators:
            measured = indicator.approved_by_year_end
            assessment = assess(
                baseline=Point(indicator.baseline_date, indicator.baseline_value),
                sign=indicator.sign,
                targets=[Point(t.due_date, t.value) for t in indicator.targets.all()],
                measurements=[Point(m.period_end, m.value) for m in measured],
                on_track_threshold=indicator.on_track_threshold,
                at_risk_threshold=indicator.at_risk_threshold,
            )
            if assessment.target is not None:  # the target the status was measured against
                target_value, target_date = assessment.target.value, assessment.target.on
            else:  # no result yet: the first target due from the year's end
                targets = list(indicator.targets.all())
                target = next((t for t in targets if t.due_date >= year_end), targets[-1] if targets else None)
                target_value, target_date = (target.value, target.due_date) if target else (None, None)
            latest = measured[-1] if measured else None
            key = comment_key(goal.pk, indicator.pk)
            rows.append(
                {
                    **base,
                    "key": key,
                    "indicator_id": indicator.pk,
                    "indicator": indicator.name,
                    "unit": indicator.unit,
                    "baseline": _text(indicator.baseline_value),
                    "baseline_date": indicator.baseline_date.isoformat(),
                    "target": _text(target_value),
                    "target_date": target_date.isoformat() if target_date else None,
                    "result": _text(latest.value) if latest else None,
                    "period": latest.period if latest else "",
                    "status": assessment.status.value,
                    "status_label": assessment.status.label,
                    "comment": comments.get(key, ""),
                }
            )
    return rows


def report_for(*, plan: Plan, year: int) -> GoalAttainmentReport:
    """The stored form, or an unsaved draft (GET never writes)."""
    return GoalAttainmentReport.objects.filter(plan=plan, year=year).first() or GoalAttainmentReport(
        plan=plan, year=year
    )


def report_rows(report: GoalAttainmentReport) -> list[dict]:
    """The frozen rows of a submitted form, else the live ones with the stored comments."""
    if report.is_submitted and report.snapshot:
        return report.snapshot["rows"]
    return attainment_rows(plan=report.plan, year=report.year, comments=report.comments)


@transaction.atomic
def goal_attainment_save(*, plan: Plan, year: int, comments: dict[str, str], note: str) -> GoalAttainmentReport:
    """Store the board's comments (keys from ``attainment_rows``) before the form is submitted."""
    report, _created = GoalAttainmentReport.objects.select_for_update().get_or_create(plan=plan, year=year)
    if report.is_submitted:
        raise ValidationError(_("Skemaet er indsendt og frosset; det kan ikke længere ændres."))
    known = {row["key"] for row in attainment_rows(plan=plan, year=year)}
    cleaned = {key: text.strip()[:MAX_COMMENT] for key, text in comments.items() if key in known and text.strip()}
    report.comments, report.note = cleaned, note.strip()[:MAX_COMMENT]
    report.full_clean()
    report.save()
    return report


def render_pdf(*, plan: Plan, year: int, rows: list[dict], note: str, frozen_at=None, sha256: str = "") -> bytes:
    from weasyprint import HTML  # heavy import: only where PDFs are made

    html = render_to_string(
        "monitoring/goal_attainment_pdf.html",
        {"plan": plan, "year": year, "rows": rows, "note": note, "frozen_at": frozen_at, "for_pdf": True},
    )
    return write_tagged_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)).render())


@transaction.atomic
def goal_attainment_submit(*, plan: Plan, year: int, user) -> GoalAttainmentReport:
    """Freeze the form: the rows as they are now, the PDF made from them and its SHA-256; the year's
    målopfyldelsesskema obligation is marked submitted with that PDF."""
    report, _created = GoalAttainmentReport.objects.select_for_update().get_or_create(plan=plan, year=year)
    if report.is_submitted:
        raise ValidationError(_("Skemaet er allerede indsendt."))
    rows = attainment_rows(plan=plan, year=year, comments=report.comments)
    now = timezone.now()
    pdf = render_pdf(plan=plan, year=year, rows=rows, note=report.note, frozen_at=now)
    digest = hashlib.sha256(pdf).hexdigest()
    name = f"maalopfyldelsesskema-{slugify(plan.name)}-{year}.pdf"
    report.pdf.save(name, ContentFile(pdf), save=False)
    report.snapshot = {"rows": rows, "note": report.note, "frozen_at": now.isoformat()}
    report.sha256 = digest
    report.state = GoalAttainmentReport.State.SUBMITTED
    report.submitted_on = timezone.localdate()
    report.submitted_by = user
    report.full_clean()
    report.save()
    obligation = Obligation.objects.filter(plan=plan, kind=ObligationKind.GOAL_ATTAINMENT, year=year).first()
    if obligation is not None and not obligation.is_submitted:
        obligation.state = Obligation.State.SUBMITTED
        obligation.submitted_on = report.submitted_on
        obligation.file.save(name, ContentFile(pdf), save=False)
        obligation.file_name, obligation.file_content_type, obligation.file_sha256 = name, "application/pdf", digest
        obligation._change_reason = _("Målopfyldelsesskemaet er indsendt")
        obligation.save()
    return report


def rows_workbook(*, rows: list[dict]) -> bytes:
    data = [
        [
            row["goal"],
            row["level"],
            row["indicator"],
            row["unit"],
            _number(row["baseline"]),
            row["baseline_date"],
            _number(row["target"]),
            row["target_date"],
            _number(row["result"]),
            row["period"],
            row["status_label"],
            row["comment"],
        ]
        for row in rows
    ]
    return workbook_bytes([("Målopfyldelse", XLSX_HEADER, data)])


def _number(text: str | None):
    return None if text is None else float(Decimal(text))


def rows_by_goal(rows: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Rows grouped under their goal, for the page."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    order = []
    for row in rows:
        if row["goal_id"] not in grouped:
            order.append(row["goal_id"])
        grouped[row["goal_id"]].append(row)
    return [(grouped[goal_id][0], grouped[goal_id]) for goal_id in order]
