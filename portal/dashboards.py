"""Cross-plan pages: co-financing per forvaltning and the projektbank. Thin: parse, select, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from plans.models import Plan, ThematicArea

from .selectors import FORMS, cofinancing_overview, intervention_search, portfolio_overview, project_bank_choices
from .xlsx import xlsx_response


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@login_required
def cofinancing_view(request):
    year = _int_or_none(request.GET.get("year"))
    overview = cofinancing_overview(user=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        return _cofinancing_xlsx(overview, year)
    return render(
        request,
        "portal/cofinancing.html",
        {"overview": overview, "year": year, "forms": FORMS},
    )


def _cofinancing_xlsx(overview, year):
    form_labels = [str(form.label) for form in FORMS]
    totals = (
        [
            t.municipality_name,
            t.party_name,
            t.plan_count,
            *(t.by_form[f.value] for f in FORMS),
            t.total,
            t.hours,
            t.delivered,
        ]
        for t in overview.totals
    )
    lines = (
        [
            line.municipality_name,
            line.party_name,
            line.plan_name,
            line.year,
            *(line.by_form[f.value] for f in FORMS),
            line.total,
            line.hours,
            line.delivered,
        ]
        for line in overview.lines
    )
    suffix = f"-{year}" if year else ""
    return xlsx_response(
        filename=f"medfinansiering{suffix}.xlsx",
        sheets=[
            (
                "Pr. forvaltning",
                ["Kommune", "Forvaltning", "Antal planer", *form_labels, "I alt (kr.)", "Timer", "Leveret (kr.)"],
                totals,
            ),
            (
                "Pr. plan og år",
                ["Kommune", "Forvaltning", "Helhedsplan", "År", *form_labels, "I alt (kr.)", "Timer", "Leveret (kr.)"],
                lines,
            ),
        ],
    )


@login_required
def project_bank_view(request):
    text = request.GET.get("q", "").strip()[:200]
    thematic_area_id = _int_or_none(request.GET.get("thematic_area"))
    partner_id = _int_or_none(request.GET.get("partner"))
    interventions = intervention_search(
        user=request.user, text=text, thematic_area_id=thematic_area_id, partner_id=partner_id
    )
    page = Paginator(interventions, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": text,
        "thematic_area_id": thematic_area_id,
        "partner_id": partner_id,
        **project_bank_choices(user=request.user),
    }
    template = "portal/_project_bank_results.html" if request.headers.get("HX-Request") else "portal/project_bank.html"
    return render(request, template, context)


@login_required
def overview_view(request):
    """Kommunal koordinator's 'Overblik': every plan in scope with its key figures."""
    year = timezone.localdate().year
    phase = request.GET.get("phase", "")
    phase = phase if phase in Plan.Phase.values else ""
    thematic_area_id = _int_or_none(request.GET.get("thematic_area"))
    sort = request.GET.get("sort", "name")
    rows = portfolio_overview(user=request.user, year=year, phase=phase, thematic_area_id=thematic_area_id, sort=sort)
    if request.GET.get("format") == "xlsx":
        return _overview_xlsx(rows, year)
    context = {
        "rows": rows,
        "year": year,
        "phase": phase,
        "phases": Plan.Phase.choices,
        "thematic_area_id": thematic_area_id,
        "thematic_areas": ThematicArea.objects.all(),
        "sort": sort,
    }
    return render(request, "portal/overview.html", context)


def _overview_xlsx(rows, year):
    header = [
        "Helhedsplan",
        "Kommune",
        "Sekretariat",
        "Fase",
        "Start",
        "Slut",
        f"Tilsagn {year} i alt (kr.)",
        f"Lokal medfinansiering {year} (kr.)",
        f"Lokal andel {year}",
    ]
    data = (
        [
            row.plan.name,
            row.plan.municipality.name,
            row.plan.secretariat.name,
            str(row.plan.get_phase_display()),
            row.plan.start_date,
            row.plan.end_date,
            row.total_this_year,
            row.local_this_year,
            float(row.local_share_this_year) if row.local_share_this_year is not None else None,
        ]
        for row in rows
    )
    return xlsx_response(filename=f"overblik-{year}.xlsx", sheets=[("Overblik", header, data)])
