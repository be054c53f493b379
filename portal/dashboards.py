"""Cross-plan pages: co-financing per forvaltning and the projektbank. Thin: parse, select, render."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import FORMS, cofinancing_overview, intervention_search, project_bank_choices
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
