"""Status reports (pixi and full): one row per version, with its snapshot, hash, PDF and state."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.jobs import Job
from common.periods import Quarter, validate_period
from common.workdays import send_out_deadline
from governance.bodies.models import Body
from governance.meetings.models import Meeting
from plans.models import Plan


def status_report_upload_to(report: "StatusReport", filename: str) -> str:
    """Reports live under MEDIA_ROOT/reports/ (outside the web root; served only by a view that checks access)."""
    audience = f"-group-{report.audience_body_id}" if report.audience_body_id else ""
    return f"reports/plan-{report.plan_id}/{report.period}-{report.kind}{audience}-v{report.version}.pdf"


class StatusReportQuerySet(models.QuerySet):
    def active(self):
        """Queued or running: at most one per plan, period, kind and audience."""
        return self.filter(state__in=StatusReport.ACTIVE_STATES)

    def for_audience(self, *, audience: str, audience_body=None):
        """The reports made for this audience (the board, or one steering group)."""
        if audience == StatusReport.Audience.BOARD:
            return self.filter(audience=audience, audience_body__isnull=True)
        return self.filter(audience=audience, audience_body=audience_body)


class StatusReport(Job):
    """A generated pixi or full status report for one plan, quarter and audience: one version, never overwritten.

    The audience is the board (the plan's whole picture) or one steering group (only its delaftaler,
    meetings and decisions); who may read which is decided by ``plans.access``.
    Regenerating makes a new version (versions are counted per plan, period, kind and audience).
    The JSON snapshot is the data the PDF was built from, and its
    SHA-256 shows whether two versions were built from the same data. The row is the job that makes
    the PDF (``common.jobs``): state, attempts, last error and timestamps.
    """

    class Kind(models.TextChoices):
        PIXI = "pixi", _("Pixi-rapport")
        FULL = "full", _("Fuld statusrapport")

    class State(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Dannes")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    class Via(models.TextChoices):
        USER = "user", _("Bruger")
        BEAT = "beat", _("Kvartalsplan (automatisk)")
        COMMAND = "command", _("Kommando")

    class Audience(models.TextChoices):
        BOARD = "board", _("Bestyrelsen")
        STEERING_GROUP = "steering_group", _("En styregruppe")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    plan = models.ForeignKey(Plan, verbose_name=_("helhedsplan"), on_delete=models.CASCADE, related_name="reports")
    audience = models.CharField(_("modtager"), max_length=20, choices=Audience.choices, default=Audience.BOARD)
    audience_body = models.ForeignKey(
        Body,
        verbose_name=_("styregruppe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_reports",
        help_text=_("Kun for rapporter til en styregruppe: gruppen rapporten er lavet til."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_reports",
        help_text=_("Mødet rapporten er lavet til. Tom: en kvartalsrapport."),
    )
    data_cutoff = models.DateField(
        _("dataskæringsdato"),
        null=True,
        blank=True,
        help_text=_(
            "Rapporten til et møde medtager kun målinger godkendt senest denne dag. Standard: mødets udsendelsesfrist."
        ),
    )
    period = models.CharField(
        _("periode"), max_length=7, validators=[validate_period], help_text=_("Kvartal, fx 2026-Q3.")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("tilstand"), max_length=10, choices=State.choices, default=State.QUEUED)
    pdf = models.FileField(_("PDF"), upload_to=status_report_upload_to, max_length=300, blank=True)
    page_count = models.PositiveSmallIntegerField(_("antal sider"), null=True, blank=True)
    snapshot = models.JSONField(_("datagrundlag"), null=True, blank=True)
    snapshot_sha256 = models.CharField(_("SHA-256 af datagrundlaget"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestilt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_reports",
    )
    requested_via = models.CharField(_("bestilt via"), max_length=10, choices=Via.choices, default=Via.USER)
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    distributed_at = models.DateTimeField(_("udsendt"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["snapshot"])

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("statusrapport")
        verbose_name_plural = _("statusrapporter")
        ordering = ["plan", "-period", "kind", "-version"]
        indexes = [models.Index(fields=["state", "queued_at"], name="statusreport_state_queued")]
        # audience_body is NULL for board reports, and NULLs never collide in a unique index, so
        # each uniqueness rule is stated once per audience.
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period", "kind", "version"],
                condition=Q(audience="board"),
                name="status_report_unique_version_board",
            ),
            models.UniqueConstraint(
                fields=["plan", "period", "kind", "audience_body", "version"],
                condition=Q(audience="steering_group"),
                name="status_report_unique_version_group",
            ),
            models.UniqueConstraint(
                fields=["plan", "period", "kind"],
                condition=Q(state__in=["queued", "running"], audience="board"),
                name="status_report_one_active_board",
            ),
            models.UniqueConstraint(
                fields=["plan", "period", "kind", "audience_body"],
                condition=Q(state__in=["queued", "running"], audience="steering_group"),
                name="status_report_one_active_group",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="status_report_version_from_1"),
            models.CheckConstraint(
                condition=Q(meeting__isnull=True) | Q(data_cutoff__isnull=False),
                name="status_report_meeting_has_data_cutoff",
            ),
            models.CheckConstraint(
                condition=Q(audience="board", audience_body__isnull=True)
                | Q(audience="steering_group", audience_body__isnull=False),
                name="status_report_audience_body_iff_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} v{self.version} – {self.plan} ({self.audience_label})"

    def clean(self) -> None:
        if self.audience == self.Audience.BOARD:
            if self.audience_body_id is not None:
                raise ValidationError({"audience_body": _("En rapport til bestyrelsen har ingen styregruppe.")})
        elif self.audience == self.Audience.STEERING_GROUP:
            body = self.audience_body if self.audience_body_id else None
            if body is None:
                raise ValidationError({"audience_body": _("Vælg den styregruppe, rapporten er til.")})
            if body.is_board or body.plan_id != self.plan_id:
                raise ValidationError({"audience_body": _("Styregruppen skal være en styregruppe i planen.")})
        if self.meeting_id is not None:
            self._clean_meeting()

    def _clean_meeting(self) -> None:
        meeting = self.meeting
        if meeting.body.plan_id != self.plan_id:
            raise ValidationError({"meeting": _("Mødet skal være et møde i planen.")})
        if meeting.body.kind in Body.BOARD_KINDS:
            if self.audience != self.Audience.BOARD:
                raise ValidationError({"meeting": _("En rapport til et bestyrelsesmøde er til bestyrelsen.")})
        elif self.audience != self.Audience.STEERING_GROUP or self.audience_body_id != meeting.body_id:
            raise ValidationError({"meeting": _("En rapport til en styregruppes møde er til den styregruppe.")})
        if self.data_cutoff is None:
            self.data_cutoff = self.default_data_cutoff(meeting)
        if self.data_cutoff > timezone.localtime(meeting.starts_at).date():
            raise ValidationError({"data_cutoff": _("Dataskæringsdatoen kan ikke ligge efter mødet.")})
        if self.period != self.period_for_cutoff(self.data_cutoff):
            raise ValidationError(
                {"period": _("Perioden skal være det seneste kvartal, der er slut på skæringsdatoen.")}
            )

    @staticmethod
    def default_data_cutoff(meeting: Meeting) -> date:
        """A meeting's data cut-off unless chosen: its send-out deadline (10 working days before the
        meeting), the day the report must be ready to go out with the agenda."""
        return send_out_deadline(timezone.localtime(meeting.starts_at).date())

    @staticmethod
    def period_for_cutoff(day: date) -> str:
        """The quarter a report with this data cut-off reports on: the latest quarter ended by then."""
        quarter = Quarter.containing(day)
        return (quarter if day == quarter.end else quarter.previous()).code

    @property
    def is_for_meeting(self) -> bool:
        return self.data_cutoff is not None

    @property
    def audience_label(self) -> str:
        """'Til bestyrelsen' or 'Til styregruppen <navn>' (the report's header and the archive)."""
        if self.audience == self.Audience.STEERING_GROUP and self.audience_body_id:
            return _("Til styregruppen %(name)s") % {"name": self.audience_body.name}
        return str(_("Til bestyrelsen"))

    @property
    def quarter(self) -> Quarter:
        return Quarter.parse(self.period)

    @property
    def filename(self) -> str:
        audience = f"-styregruppe-{self.audience_body_id}" if self.audience_body_id else ""
        return f"{self.kind}-rapport-{self.period}{audience}-v{self.version}.pdf"
