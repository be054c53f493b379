"""Import of LBF's area figures in the browser (issue #14, item 5), beside the
``import_area_statistics`` command: upload, a preview with each row's errors, then save. For the
sekretariatsleder (the areas and kommuner of the plans they see, and the country's figures) and admins."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from monitoring.area_statistics import (
    COL_AREA,
    COL_CODE,
    COL_PERIOD,
    COL_VALUE,
    area_statistics_import,
    read_area_statistics_file,
    validate_area_statistic_rows,
)
from monitoring.imports import ImportRow
from monitoring.lbf_codes import describe
from plans import access
from plans.access import Role
from plans.models import HousingArea, Organisation

SESSION_KEY = "area-statistics-import"
COLUMNS = [COL_AREA, COL_CODE, COL_PERIOD, COL_VALUE]


class AreaStatisticsUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fil (XLSX eller CSV)"),
        help_text=gettext_lazy(
            "Kolonner: area_code (boligområdets kode, KOMMUNE:<kommunekode> eller LAND), indicator_code, "
            "period (fx 2025-H1), value. CSV skal være gemt som UTF-8."
        ),
    )


def may_import_area_statistics(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or Role.SECRETARIAT_LEAD in access.user_roles(user)))


def _scope(user):
    """The areas and kommuner the user may load figures for (None: all, for admins)."""
    if user.is_superuser:
        return None, None
    plans = access.plans_for_roles(user, {Role.SECRETARIAT_LEAD})
    areas = HousingArea.objects.filter(plans__in=plans.values("pk")).distinct()
    municipalities = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, pk__in=plans.values("municipality")
    )
    return areas, municipalities


def _check(request):
    if not may_import_area_statistics(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def area_statistics_import_view(request):
    _check(request)
    form = AreaStatisticsUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_area_statistics_file(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            areas, municipalities = _scope(request.user)
            preview = validate_area_statistic_rows(rows, areas=areas, municipalities=municipalities)
            if preview.is_valid:
                request.session[SESSION_KEY] = [{"number": r.number, "values": r.values} for r in rows]
            else:
                request.session.pop(SESSION_KEY, None)
    labels = {}
    if preview:
        labels = {row.number: describe(row.values.get(COL_CODE, "")).display for row in preview.rows}
    context = {"form": form, "preview": preview, "columns": COLUMNS, "labels": labels}
    return render(request, "portal/area_statistics_import.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def area_statistics_import_confirm_view(request):
    _check(request)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.error(request, _("Der er ingen fil at gemme. Indlæs filen igen."))
        return redirect("area-statistics-import")
    rows = [ImportRow(number=row["number"], values=row["values"]) for row in stored]
    areas, municipalities = _scope(request.user)
    try:
        result = area_statistics_import(rows=rows, areas=areas, municipalities=municipalities)
    except ValidationError:
        messages.error(request, _("Filen har fået fejl siden forhåndsvisningen; intet er gemt. Indlæs den igen."))
        return redirect("area-statistics-import")
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _(
            "Områdetal indlæst: %(created)s nye, %(updated)s ændrede, %(unchanged)s uændrede; "
            "%(synced)s LBF-målinger opdateret."
        )
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "synced": result.measurements_changed,
        },
    )
    return redirect("area-barometer")
