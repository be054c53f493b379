"""Cross-plan pages and the role dashboards: Overblik, medfinansiering, projektbank, bybarometer,
Mit sekretariat and Læsesal. Thin: parse, select, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from common.page_cache import cached_fragment
from governance.meetings.attendance import selectors as attendance_selectors
from monitoring.charts import multi_series_chart_svg
from monitoring.lbf_codes import describe
from monitoring.obligations import overdue_obligations
from monitoring.status import Status
from plans import access
from plans.models import Plan, ThematicArea

from .area_statistics_import import may_import_area_statistics
from .cofinancing_selectors import FORMS, cofinancing_overview
from .filters import ProjectBankFilter
from .selectors import (
    DASHBOARD_SECTIONS,
    area_barometer,
    attach_results,
    portfolio_overview,
    project_bank_interventions,
    reading_room,
    secretariat_dashboard,
)
from .xlsx import xlsx_response


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


COFINANCING_TOP_TOTALS = 25  # forvaltninger in the two per-forvaltning tables before "vis alle"
COFINANCING_TOP_LINES = 50  # forvaltning × plan × year lines before "vis alle"
COFINANCING_SECTIONS = ("forvaltninger", "linjer")
COFINANCING_MUNICIPALITY_SECTIONS = 5  # up to this many kommuner: a summary each; more: one table


@login_required
def cofinancing_view(request):
    """Medfinansiering pr. forvaltning. Long tables show their first rows with "vis alle"; with many
    kommuner in view (a national user) one row per kommune, each a link to that kommune alone."""
    year = _int_or_none(request.GET.get("year"))
    municipality_id = _int_or_none(request.GET.get("kommune"))
    if request.GET.get("format") == "xlsx":
        overview = cofinancing_overview(user=request.user, year=year, municipality_id=municipality_id)
        return _cofinancing_xlsx(overview, year)
    show_all = set(request.GET.getlist("alle")) & set(COFINANCING_SECTIONS)

    def context():
        overview = cofinancing_overview(
            user=request.user,
            year=year,
            municipality_id=municipality_id,
            totals_limit=None if "forvaltninger" in show_all else COFINANCING_TOP_TOTALS,
            lines_limit=None if "linjer" in show_all else COFINANCING_TOP_LINES,
        )
        query = {key: value for key, value in (("year", year), ("kommune", overview.municipality_id)) if value}
        return {
            "overview": overview,
            "year": year,
            "forms": FORMS,
            "show_all": show_all,
            "query": urlencode(query),
            "year_query": urlencode({"year": year} if year else {}),
            "municipality_sections": len(overview.municipalities) <= COFINANCING_MUNICIPALITY_SECTIONS,
        }

    body = cached_fragment(request, "cofinancing", "portal/_cofinancing_body.html", context)
    return render(request, "portal/cofinancing.html", {"body": body})


def _cofinancing_xlsx(overview, year):
    """The page's three tables as sheets: per forvaltning, per forvaltning × year, per plan × year."""
    form_labels = [str(form.label) for form in FORMS]
    totals = (
        [
            t.municipality_name,
            t.party_name,
            t.plan_count,
            t.plans_in_municipality,
            *(t.by_form[f.value] for f in FORMS),
            t.total,
            t.hours,
            t.delivered,
            t.shortfall,
        ]
        for t in overview.totals
    )
    per_year = (
        [t.municipality_name, t.party_name, y, t.by_year[y].committed, t.by_year[y].delivered, t.by_year[y].shortfall]
        for t in overview.totals
        for y in overview.shown_years
        if y in t.by_year
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
            line.shortfall,
        ]
        for line in overview.lines
    )
    suffix = f"-{year}" if year else ""
    return xlsx_response(
        filename=f"medfinansiering{suffix}.xlsx",
        sheets=[
            (
                "Pr. forvaltning",
                [
                    "Kommune",
                    "Forvaltning",
                    "Antal planer",
                    "Planer i kommunen",
                    *form_labels,
                    "I alt (kr.)",
                    "Timer",
                    "Leveret (kr.)",
                    "Mangler (kr.)",
                ],
                totals,
            ),
            (
                "Pr. forvaltning og år",
                ["Kommune", "Forvaltning", "År", "Tilsagn (kr.)", "Leveret (kr.)", "Mangler (kr.)"],
                per_year,
            ),
            (
                "Pr. plan og år",
                [
                    "Kommune",
                    "Forvaltning",
                    "Helhedsplan",
                    "År",
                    *form_labels,
                    "I alt (kr.)",
                    "Timer",
                    "Leveret (kr.)",
                    "Mangler (kr.)",
                ],
                lines,
            ),
        ],
    )


PROJECT_BANK_PAGE_SIZE = 25


@login_required
def project_bank_view(request):
    """Projektbank: every indsats the reader may see with its delaftale, goals, indicators' latest
    status, partners and budget; filtered by theme, goal, kommune, partner and text; paginated."""
    interventions = project_bank_interventions(user=request.user)
    filterset = ProjectBankFilter(request.GET or None, queryset=interventions, user=request.user)
    page = Paginator(filterset.qs, PROJECT_BANK_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = attach_results(user=request.user, interventions=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filter": filterset, "query": query.urlencode()}
    template = "portal/_project_bank_results.html" if request.headers.get("HX-Request") else "portal/project_bank.html"
    return render(request, template, context)


OVERVIEW_PAGE = 25  # plans per page of the Overblik; "vis alle" shows every plan


@login_required
def overview_view(request):
    """Kommunal koordinator's 'Overblik': every plan in scope with its key figures."""
    year = timezone.localdate().year
    phase = request.GET.get("phase", "")
    phase = phase if phase in Plan.Phase.values else ""
    thematic_area_id = _int_or_none(request.GET.get("thematic_area"))
    goal_status = request.GET.get("status", "")
    goal_status = goal_status if goal_status in {status.value for status in Status} else ""
    sort = request.GET.get("sort", "name")

    def rows():
        return portfolio_overview(
            user=request.user,
            year=year,
            phase=phase,
            thematic_area_id=thematic_area_id,
            goal_status=goal_status,
            sort=sort,
        )

    if request.GET.get("format") == "xlsx":
        return _overview_xlsx(rows(), year)

    def context():
        selected = rows()
        per_page = (len(selected) or 1) if request.GET.get("alle") else OVERVIEW_PAGE
        page = Paginator(selected, per_page).get_page(request.GET.get("side"))
        query = request.GET.copy()
        for name in ("side", "alle", "format"):
            query.pop(name, None)
        return {
            "rows": selected,
            "page": page,
            "composition_rows": [row for row in page.object_list if row.composition],
            "query": query.urlencode(),
            "year": year,
            "phase": phase,
            "phases": Plan.Phase.choices,
            "thematic_area_id": thematic_area_id,
            "thematic_areas": ThematicArea.objects.all(),
            "goal_status": goal_status,
            "statuses": list(Status),
            "sort": sort,
            "overdue_obligations": overdue_obligations(user=request.user),
        }

    body = cached_fragment(request, "overview", "portal/_overview_body.html", context)
    return render(request, "portal/overview.html", {"body": body})


def _local_naive(moment):
    """Excel has no time zones: Copenhagen wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None)


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
        "Strategiske mål (status)",
        "Samlet status",
        "Seneste pixi-rapport",
        "Næste bestyrelsesmøde",
        "Dagsorden udsendt rettidigt",
        "Åbne handlingspunkter",
        "Overskredne handlingspunkter",
        "Bestyrelsens sammensætning",
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
            "; ".join(f"{g.goal.title}: {g.status.label}" for g in row.goals),
            row.status.label,
            row.last_pixi.period if row.last_pixi else None,
            _local_naive(row.next_board_meeting.starts_at) if row.next_board_meeting else None,
            str(AGENDA_STATE_LABELS[row.agenda_state]) if row.agenda_state else None,
            row.open_actions,
            row.overdue_actions,
            " ".join(f"{w.message} {w.what_to_do}" for w in row.composition) or "Opfylder reglerne",
        ]
        for row in rows
    )
    return xlsx_response(filename=f"overblik-{year}.xlsx", sheets=[("Overblik", header, data)])


AGENDA_STATE_LABELS = {
    "sent": _("Ja, udsendt til tiden"),
    "sent_late": _("Udsendt for sent"),
    "open": _("Ikke udsendt endnu (frist ikke nået)"),
    "due_today": _("Fristen er i dag"),
    "late": _("Nej, fristen er overskredet"),
}


@login_required
def area_barometer_view(request):
    """Bybarometer: the kommune's housing areas on one LBF indicator over time, vs kommune and country."""
    barometer = area_barometer(
        user=request.user,
        municipality_id=_int_or_none(request.GET.get("municipality")),
        code=request.GET.get("code", "")[:60],
    )
    chart = None
    info = describe(barometer.code) if barometer.code else None
    if barometer.code:
        title = _("%(label)s i %(municipality)s over tid") % {
            "label": info.display,
            "municipality": barometer.municipality.name,
        }
        chart = multi_series_chart_svg(barometer.series, title=title, ident="bybarometer")
    context = {
        "barometer": barometer,
        "chart": chart,
        "info": info,
        "code_choices": [(code, describe(code).display) for code in barometer.codes],
        "latest": barometer.rows[-1] if barometer.rows else None,
        "may_import": may_import_area_statistics(request.user),
    }
    return render(request, "portal/area_barometer.html", context)


@login_required
def secretariat_dashboard_view(request):
    """Sekretariatsleder and staff: 'Mit sekretariat'. Other roles have no secretariat (403)."""
    if not access.may_open(request.user, "my-secretariat"):
        raise PermissionDenied
    show_all = set(request.GET.getlist("alle")) & set(DASHBOARD_SECTIONS)

    def context():
        return {
            "dashboard": secretariat_dashboard(user=request.user, show_all=show_all),
            "show_all": show_all,
            "overdue_obligations": overdue_obligations(user=request.user),
        }

    body = cached_fragment(request, "my-secretariat", "portal/_my_secretariat_body.html", context)
    return render(request, "portal/my_secretariat.html", {"body": body})


@login_required
def reading_room_view(request):
    """Board member: 'Læsesal' with reports, meeting packs and recent decisions. Other roles: 403."""
    if not access.may_open(request.user, "reading-room"):
        raise PermissionDenied
    room = reading_room(user=request.user)
    return render(
        request, "portal/reading_room.html", {"room": room, "my_seat": _my_seat(request.user, room.next_meeting)}
    )


def _my_seat(user, meeting):
    """The reader's row on the next meeting's attendance sheet (their answer so far), when they are
    invited and the meeting has not begun: the Læsesal then offers deltager / afbud."""
    if meeting is None or meeting.starts_at <= timezone.now():
        return None
    person = attendance_selectors.person_of(user)
    if person is None:
        return None
    return attendance_selectors.attendance_sheet(meeting=meeting).row_for(person.pk)
