"""REST API for status reports, read-only and scoped by ``plans.access``; the PDF of a finished one."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.reverse import reverse

from governance.reports.models import StatusReport
from plans.access import restrict
from plans.api_lean import LeanListMixin
from plans.api_support import IntegerFilter, text_filter
from plans.converters import DATABASE_ID_REGEX


class StatusReportFilter(filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", help_text="Helhedsplanens id.")
    period = text_filter(7, field_name="period", help_text="Kvartal, fx 2026-Q3.")
    kind = filters.ChoiceFilter(choices=StatusReport.Kind.choices)
    state = filters.ChoiceFilter(choices=StatusReport.State.choices)
    audience = filters.ChoiceFilter(choices=StatusReport.Audience.choices)

    class Meta:
        model = StatusReport
        fields = ["plan", "period", "kind", "state", "audience"]


class StatusReportSerializer(serializers.ModelSerializer):
    pdf_url = serializers.SerializerMethodField(help_text="Adressen på PDF'en, når rapporten er færdig.")

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "plan",
            "period",
            "kind",
            "audience",
            "audience_body",
            "version",
            "state",
            "page_count",
            "snapshot_sha256",
            "requested_via",
            "created_at",
            "started_at",
            "finished_at",
            "distributed_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report: StatusReport) -> str | None:
        if report.state != StatusReport.State.DONE or not report.pdf:
            return None
        return reverse("api:status-report-pdf", args=[report.pk], request=self.context.get("request"))


def _pdf_url(row: dict, context: dict) -> str | None:
    """``StatusReportSerializer.get_pdf_url`` of a ``.values()`` row (the lean list)."""
    if row["state"] != StatusReport.State.DONE or not row["pdf"]:
        return None
    return reverse("api:status-report-pdf", args=[row["pk"]], request=context.get("request"))


@extend_schema_view(
    list=extend_schema(
        summary="Statusrapporter", description="Pixi- og fulde statusrapporter for de planer brugeren kan se."
    )
)
class StatusReportViewSet(LeanListMixin, viewsets.ReadOnlyModelViewSet):
    """Statusrapporter (every version) the user may read (``plans.access``),
    and their PDFs: a steering group's reports to its members, the board's to board members."""

    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilter
    lean_methods = {"pdf_url": (["state", "pdf"], lambda row, context: _pdf_url(row, context))}
    lookup_value_regex = DATABASE_ID_REGEX

    def get_queryset(self):
        return (
            restrict(StatusReport.objects.all(), self.request.user)
            .defer("snapshot")
            .order_by("plan_id", "-period", "kind", "-version", "pk")
        )

    def perform_content_negotiation(self, request, force=False):
        # The PDF itself is a FileResponse; errors of the pdf action are JSON whatever the client accepts.
        if self.action == "pdf":
            return (JSONRenderer(), JSONRenderer.media_type)
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        summary="Statusrapportens PDF",
        description="PDF'en for en færdig rapport; 404 hvis rapporten ikke er færdig eller ikke findes for brugeren.",
        responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF")},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf", filterset_class=None, pagination_class=None)
    def pdf(self, request, pk=None, format=None):
        # The router adds format suffixes (pdf.json, pdf.api) to every route; a PDF has no other format.
        if format is not None:
            raise Http404(_("Ikke fundet."))
        report = self.get_object()
        if report.state != StatusReport.State.DONE or not report.pdf:
            raise Http404(_("Rapporten er ikke færdig."))
        try:
            handle = report.pdf.open("rb")
        except FileNotFoundError:
            raise Http404(_("Rapportens fil mangler.")) from None
        return FileResponse(handle, content_type="application/pdf", filename=report.filename)


ROUTES = [
    ("reports", StatusReportViewSet, "status-report"),
]
