"""What a status report says: the snapshot of the plan's data for a quarter, and its HTML and PDF.

``build_report_snapshot`` is the one function that assembles a report's content. It runs the
section builders listed for the report's kind (``PIXI_SECTIONS`` / ``FULL_SECTIONS``) and returns a
JSON-serialisable dict; the PDF is rendered from that dict only, so the snapshot and its SHA-256
say exactly what a version was built from. Nothing in the snapshot depends on when it was built
(no timestamps, no versions), so the hash changes when the data change and not otherwise.

Adding a section = one builder ``section_<name>(*, plan, quarter, kind) -> JSON`` listed in the
kind's list below, and one template ``governance/reports/sections/<name>.html`` (or
``<name>_<kind>.html`` for a kind-specific layout) that receives the builder's output as
``section``. A section whose builder returns ``None`` is left out of the PDF.

Reports are the board's information about the whole plan, so the builders read the plan's rows
directly (a system job has no user); who may read a report is decided when it is downloaded
(``plans.access`` VIEW on the report's plan).
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.template.loader import render_to_string, select_template
from django.utils import translation
from django.utils.safestring import mark_safe

from plans.models import Commitment, Intervention, Plan, SubAgreement
from plans.selectors import plan_commitment_summary

from .models import Body, Membership, StatusReport
from .periods import Quarter

SNAPSHOT_SCHEMA = 1
SectionBuilder = Callable[..., object]


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date(value) -> str | None:
    return value.isoformat() if value else None


# --- Section builders -------------------------------------------------------------------------


def section_header(*, plan: Plan, quarter: Quarter, kind: str) -> dict:
    """Plan, kommune, secretariat, areas and the period with its dates."""
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "municipality": plan.municipality.name,
            "secretariat": plan.secretariat.name,
            "housing_organisations": sorted(org.name for org in plan.housing_organisations.all()),
            "areas": sorted(area.name for area in plan.areas.all()),
            "funding_period": plan.get_funding_period_display(),
            "start_date": _date(plan.start_date),
            "end_date": _date(plan.end_date),
            "phase": plan.get_phase_display(),
        },
        "period": {
            "code": quarter.code,
            "label": quarter.label,
            "start": _date(quarter.start),
            "end": _date(quarter.end),
        },
        "kind": kind,
        "kind_label": str(StatusReport.Kind(kind).label),
    }


def section_sub_agreements(*, plan: Plan, quarter: Quarter, kind: str) -> list[dict]:
    """Per delaftale: thematic area, parties, owning groups, interventions and progress counts."""
    sub_agreements = (
        SubAgreement.objects.filter(plan=plan)
        .select_related("thematic_area")
        .prefetch_related(
            "parties",
            Prefetch("bodies", queryset=Body.objects.order_by("name")),
            Prefetch(
                "interventions",
                queryset=Intervention.objects.select_related("responsible_partner").order_by("name", "pk"),
            ),
        )
        .order_by("thematic_area__position", "title")
    )
    result = []
    for sa in sub_agreements:
        interventions = list(sa.interventions.all())
        counts = Counter(i.status for i in interventions)
        result.append(
            {
                "id": sa.pk,
                "title": sa.title,
                "thematic_area": sa.thematic_area.name,
                "description": sa.description,
                "parties": sorted(party.name for party in sa.parties.all()),
                "groups": [body.name for body in sa.bodies.all()],
                "interventions": [
                    {
                        "name": i.name,
                        "responsible_partner": i.responsible_partner.name,
                        "status": i.status,
                        "status_label": str(i.get_status_display()),
                        "start_date": _date(i.start_date),
                        "end_date": _date(i.end_date),
                    }
                    for i in interventions
                ],
                "progress": [
                    {"status": status.value, "label": str(status.label), "count": counts.get(status.value, 0)}
                    for status in Intervention.Status
                ],
                "intervention_count": len(interventions),
            }
        )
    return result


def section_commitments(*, plan: Plan, quarter: Quarter, kind: str) -> dict:
    """Commitments of the period's year per party against LBF's 25 % local share, and the plan total."""
    year = quarter.year
    summary = plan_commitment_summary(plan=plan)
    delivered = {
        row["party_id"]: row["delivered"]
        for row in Commitment.objects.filter(plan=plan, year=year)
        .values("party_id")
        .annotate(delivered=Sum("delivered_amount"))
    }
    in_period = year in summary.years
    local = summary.local_by_year.get(year, Decimal("0"))
    total = summary.total_by_year.get(year, Decimal("0"))
    share = (local / total) if total else None
    rows = [
        {
            "party": row.party.name,
            "is_local": row.is_local,
            "committed": _decimal(row.by_year[year]),
            "delivered": _decimal(delivered.get(row.party.pk)),
            "hours": _decimal(row.hours_by_year.get(year)),
        }
        for row in summary.rows
        if year in row.by_year
    ]
    return {
        "year": year,
        "in_plan_period": in_period,
        "required_share": _decimal(summary.required_share),
        "rows": rows,
        "local": _decimal(local),
        "total": _decimal(total),
        "share": _decimal(share.quantize(Decimal("0.0001")) if share is not None else None),
        "meets_requirement": None if share is None else share >= summary.required_share,
        "plan_local_total": _decimal(summary.local_total),
        "plan_grand_total": _decimal(summary.grand_total),
        "plan_share": _decimal(summary.local_share.quantize(Decimal("0.0001")) if summary.local_share else None),
        "plan_meets_requirement": summary.meets_requirement,
    }


def section_bodies(*, plan: Plan, quarter: Quarter, kind: str) -> list[dict]:
    """The plan's bodies and their members as they stood at the end of the quarter."""
    members = Membership.objects.current(on=quarter.end).select_related("person", "organisation")
    bodies = (
        Body.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("memberships", queryset=members, to_attr="period_memberships"),
            Prefetch("sub_agreements", queryset=SubAgreement.objects.order_by("title")),
        )
        .order_by("kind", "name")
    )
    result = []
    for body in sorted(bodies, key=lambda b: (not b.is_board, b.kind, b.name)):
        memberships = sorted(
            body.period_memberships, key=lambda m: (Membership.ROLE_ORDER.index(m.role), m.person.name, m.pk)
        )
        result.append(
            {
                "name": body.name,
                "kind": body.kind,
                "kind_label": str(body.get_kind_display()),
                "is_board": body.is_board,
                "sub_agreements": [sa.title for sa in body.sub_agreements.all()],
                "members": [
                    {
                        "name": m.person.name,
                        "role": m.role,
                        "role_label": str(m.get_role_display()),
                        "organisation": m.organisation.name,
                        "title": m.person.title,
                    }
                    for m in memberships
                ],
            }
        )
    return result


# The sections of each kind, in the order they appear in the PDF. Goals, indicators, decisions,
# action items and "questions for the board" are added here when their apps exist:
#   pixi: ("goals", ...) and ("indicators", ...) before "sub_agreements"; ("actions", ...),
#         ("decisions", ...) and ("questions", ...) after "commitments".
#   full: goals/indicators per delaftale, then ("meetings", ...), ("decisions", ...), ("actions", ...).
PIXI_SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("sub_agreements", section_sub_agreements),
    ("commitments", section_commitments),
]
FULL_SECTIONS: list[tuple[str, SectionBuilder]] = [
    ("sub_agreements", section_sub_agreements),
    ("commitments", section_commitments),
    ("bodies", section_bodies),
]
SECTIONS: dict[str, list[tuple[str, SectionBuilder]]] = {
    StatusReport.Kind.PIXI: PIXI_SECTIONS,
    StatusReport.Kind.FULL: FULL_SECTIONS,
}


# --- Snapshot, hash, HTML and PDF ----------------------------------------------------------------


def build_report_snapshot(*, plan: Plan, period: str, kind: str) -> dict:
    """The report's content as a JSON-serialisable dict: header plus every section of ``kind``."""
    quarter = Quarter.parse(period)
    kind = StatusReport.Kind(kind)
    plan = (
        Plan.objects.select_related("municipality", "secretariat")
        .prefetch_related("housing_organisations", "areas")
        .get(pk=plan.pk)
    )
    with translation.override("da"):
        snapshot = {
            "schema": SNAPSHOT_SCHEMA,
            "header": section_header(plan=plan, quarter=quarter, kind=kind),
            "sections": [],
        }
        for name, builder in SECTIONS[kind]:
            content = builder(plan=plan, quarter=quarter, kind=kind)
            if content is None:
                continue
            snapshot["sections"].append(name)
            snapshot[name] = content
    return snapshot


def canonical_json(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def snapshot_sha256(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def render_report_html(*, report: StatusReport, snapshot: dict) -> str:
    """The report as an HTML document (``lang="da"``), from the snapshot only."""
    kind = snapshot["header"]["kind"]
    with translation.override("da"):
        sections = []
        for name in snapshot["sections"]:
            template = select_template(
                [f"governance/reports/sections/{name}_{kind}.html", f"governance/reports/sections/{name}.html"]
            )
            sections.append(
                mark_safe(template.render({"section": snapshot[name], "header": snapshot["header"], "kind": kind}))  # noqa: S308
            )
        return render_to_string(
            f"governance/reports/{kind}.html",
            {"report": report, "header": snapshot["header"], "sections": sections, "kind": kind},
        )


def render_report_pdf(html: str) -> tuple[bytes, int]:
    """Tagged PDF (WeasyPrint's PDF/UA-1 variant) and its page count."""
    from weasyprint import HTML  # heavy import: only where PDFs are made

    document = HTML(string=html).render()
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)
