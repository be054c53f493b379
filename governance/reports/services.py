"""Writes for status reports: order a version, generate it in the worker, distribute it, queue the
quarter's reports, and put a question for the board on the next board agenda.
"""

import logging
import os
import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import jobs
from common.periods import Quarter, quarterly_report_due, validate_period
from governance.bodies.models import Body, Membership
from governance.meetings.models import Meeting
from governance.reports.content import (
    build_report_snapshot,
    render_report_html,
    render_report_pdf,
    snapshot_sha256,
)
from governance.reports.models import StatusReport, status_report_upload_to
from plans.models import Person, Plan

logger = logging.getLogger(__name__)

# Celery task name; stable across releases because queued messages carry it.
GENERATE_STATUS_REPORT = "governance.tasks.generate_status_report"

# Errors worth retrying: the database was briefly unavailable. Anything else fails the report.
TRANSIENT_REPORT_ERRORS: tuple[type[BaseException], ...] = jobs.TRANSIENT_ERRORS


def status_report_request(
    *,
    plan: Plan,
    period: str,
    kind: str,
    requested_by=None,
    via: str = StatusReport.Via.USER,
    audience: str = StatusReport.Audience.BOARD,
    audience_body: Body | None = None,
    meeting: Meeting | None = None,
    data_cutoff: date | None = None,
) -> StatusReport:
    """Queue the next version of a report for its audience (the board, or one steering group of the
    plan); while one is queued or running for the same plan, period, kind and audience, that one is
    returned instead (one job, one version). A bad audience raises ``ValidationError``.

    With ``meeting`` the report is made for that meeting: its audience is the meeting's body, its data
    cut-off ``data_cutoff`` (default: the meeting's send-out deadline) and its period the latest quarter
    ended by the cut-off (``period`` is ignored). While another report of the same period and audience
    is being made, ordering one for a different meeting raises ``ValidationError`` (try again shortly).

    The Celery task is sent when the transaction commits, so the worker always finds the row.
    """
    if meeting is not None:
        audience, audience_body, period, data_cutoff = _meeting_report_terms(meeting, data_cutoff)
    validate_period(period)
    kind = StatusReport.Kind(kind)
    via = StatusReport.Via(via)
    audience = StatusReport.Audience(audience)
    same = {"plan": plan, "period": period, "kind": kind}
    try:
        with transaction.atomic():
            # Lock the plan row: version numbers of one plan are handed out one at a time.
            Plan.objects.select_for_update().filter(pk=plan.pk).first()
            existing = (
                StatusReport.objects.active()
                .for_audience(audience=audience, audience_body=audience_body)
                .filter(**same)
                .first()
            )
            if existing:
                _check_same_meeting(existing, meeting=meeting, data_cutoff=data_cutoff)
                return existing
            last = (
                StatusReport.objects.for_audience(audience=audience, audience_body=audience_body)
                .filter(**same)
                .aggregate(last=Max("version"))["last"]
                or 0
            )
            report = StatusReport(
                plan=plan,
                audience=audience,
                audience_body=audience_body,
                period=period,
                kind=kind,
                version=last + 1,
                state=StatusReport.State.QUEUED,
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                requested_via=via,
                task_id=jobs.new_task_id(),
                meeting=meeting,
                data_cutoff=data_cutoff,
            )
            report.full_clean()
            report.save()
    except IntegrityError:
        # Another request won the race for the active slot: hand back its report.
        existing = (
            StatusReport.objects.active()
            .for_audience(audience=audience, audience_body=audience_body)
            .filter(**same)
            .first()
        )
        if existing is None:
            raise
        _check_same_meeting(existing, meeting=meeting, data_cutoff=data_cutoff)
        return existing
    jobs.dispatch_on_commit(report)
    return report


def _meeting_report_terms(meeting: Meeting, data_cutoff: date | None):
    """(audience, audience_body, period, data_cutoff) of a report for ``meeting``."""
    # Default: the send-out deadline, or today when the report is ordered before it (data not yet
    # approved cannot be counted, and the report says which day its data are from).
    data_cutoff = data_cutoff or min(StatusReport.default_data_cutoff(meeting), timezone.localdate())
    if meeting.body.kind in Body.BOARD_KINDS:
        audience, audience_body = StatusReport.Audience.BOARD, None
    else:
        audience, audience_body = StatusReport.Audience.STEERING_GROUP, meeting.body
    return audience, audience_body, StatusReport.period_for_cutoff(data_cutoff), data_cutoff


def _check_same_meeting(existing: StatusReport, *, meeting: Meeting | None, data_cutoff: date | None) -> None:
    """The report being made is handed back only if it is the one asked for (same meeting and cut-off)."""
    if existing.meeting_id != getattr(meeting, "pk", None) or existing.data_cutoff != data_cutoff:
        raise ValidationError(_("En anden rapport for samme kvartal og modtager dannes lige nu. Prøv igen om lidt."))


@transaction.atomic
def status_report_retry(*, report: StatusReport) -> StatusReport:
    """«Prøv igen» on a failed report: the same version is queued again (fresh attempts, a new job).

    Refused while another version of the same report is queued or running (one job at a time)."""
    report = StatusReport.objects.select_for_update().get(pk=report.pk)
    if report.state != StatusReport.State.FAILED:
        raise ValidationError(_("Kun en fejlet rapport kan prøves igen."))
    busy = (
        StatusReport.objects.active()
        .for_audience(audience=report.audience, audience_body=report.audience_body)
        .filter(plan_id=report.plan_id, period=report.period, kind=report.kind)
        .exists()
    )
    if busy:
        raise ValidationError(_("En anden version af rapporten dannes allerede. Vent, til den er færdig."))
    jobs.retry_failed(report)
    return report


def _write_pdf(*, report: StatusReport, content: bytes) -> str:
    """Write to a temporary file beside the target and move it into place; returns the storage name."""
    name = status_report_upload_to(report, "")
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def status_report_mark_failed(*, report_id: int, error: str) -> None:
    """Record a failure on a report that has not finished."""
    jobs.mark_failed(StatusReport, report_id, error=error)


def status_report_generate(*, report_id: int, task_id: str | None = None, retried: bool = False) -> StatusReport | None:
    """The report job: build the snapshot, render the PDF, store it; ``None`` when there is nothing to do.

    Only the message the row names may run it (any caller, with ``task_id`` None); a missing, done or
    failed report, or one another message is working on, is left alone. A database error that passes
    is raised for the task to retry (the row stays running, so the retry takes it up again); any other
    error marks the report failed with a reason a person can act on. The PDF is written under a name
    fixed by the version, so a re-run after a lost worker replaces it: one report, one version.
    """
    if not jobs.claim(StatusReport, report_id, task_id=task_id, retried=retried):
        logger.info("status report %s: nothing to do (missing or already claimed)", report_id)
        return None
    report = StatusReport.objects.select_related("plan", "audience_body", "meeting").get(pk=report_id)
    try:
        snapshot = build_report_snapshot(
            plan=report.plan,
            period=report.period,
            kind=report.kind,
            audience=report.audience,
            audience_body=report.audience_body,
            meeting=report.meeting,
            data_cutoff=report.data_cutoff,
        )
        # One layout: the pixi fits two pages by its layout budget (content.PixiBudget).
        content, pages = render_report_pdf(render_report_html(report=report, snapshot=snapshot))
        name = _write_pdf(report=report, content=content)
    except TRANSIENT_REPORT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("status report %s failed", report_id)
        jobs.mark_failed(StatusReport, report_id, error=jobs.failure_reason(exc), task_id=task_id)
        report.refresh_from_db()
        return report
    finished = jobs.finish(
        StatusReport,
        report_id,
        task_id=task_id,
        pdf=name,
        page_count=pages,
        snapshot=snapshot,
        snapshot_sha256=snapshot_sha256(snapshot),
    )
    report.refresh_from_db()
    if not finished:
        return None
    if report.requested_via == StatusReport.Via.BEAT and report.kind == StatusReport.Kind.PIXI:
        try:
            status_report_distribute(report=report)
        except Exception:  # the report itself is done; a mail failure is logged, not fatal
            logger.exception("status report %s: distribution failed", report_id)
    return report


def status_report_recipients(*, report: StatusReport) -> list[Person]:
    """The report's audience with an e-mail address, one per person: the plan's board members (current
    board memberships) for a board report, the group's current members for a steering group's report."""
    if report.audience == StatusReport.Audience.STEERING_GROUP:
        audience = Q(body_id=report.audience_body_id)
    else:
        audience = Q(body__plan_id=report.plan_id, body__kind=Body.Kind.BOARD)
    memberships = (
        Membership.objects.current()
        .filter(audience)
        .exclude(person__email="")
        .select_related("person")
        .order_by("person__name", "person_id")
    )
    people: dict[int, Person] = {}
    for membership in memberships:
        people.setdefault(membership.person_id, membership.person)
    return list(people.values())


def status_report_distribute(*, report: StatusReport) -> int:
    """E-mail the report's audience (board members, or the steering group's members) a link to the
    report (or the PDF, with REPORTS_ATTACH_PDF). Once per report."""
    claimed = StatusReport.objects.filter(
        pk=report.pk, state=StatusReport.State.DONE, distributed_at__isnull=True
    ).update(distributed_at=timezone.now())
    if not claimed:
        return 0
    report.refresh_from_db()
    link = settings.PORTAL_BASE_URL + reverse("governance:report-download", args=[report.plan_id, report.pk])
    archive = settings.PORTAL_BASE_URL + reverse("governance:report-archive", args=[report.plan_id])
    attach = settings.REPORTS_ATTACH_PDF
    messages = []
    with translation.override("da"):
        subject = _("%(kind)s %(period)s: %(plan)s") % {
            "kind": report.get_kind_display(),
            "period": report.quarter.label,
            "plan": report.plan.name,
        }
        for person in status_report_recipients(report=report):
            body = render_to_string(
                "governance/reports/email.txt",
                {"report": report, "person": person, "link": link, "archive": archive, "attached": attach},
            )
            message = EmailMessage(subject=subject, body=body, to=[person.email])
            if attach:
                message.attach(report.filename, report.pdf.read(), "application/pdf")
                report.pdf.seek(0)
            messages.append(message)
    if report.pdf and attach:
        report.pdf.close()
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def status_reports_queue_quarterly(*, today: date | None = None) -> list[StatusReport]:
    """From the configured Danish working day after a quarter ends, queue its pixi and full reports
    for the board of every active plan running in that quarter; plans that already have a done,
    queued or running board report of that kind for the quarter are skipped, so running this daily
    is safe. Steering groups' reports are not made by the schedule: the secretariat orders them
    (archive page or ``generate_reports --audience steering-groups``), see docs/reports.md.
    """
    today = today or timezone.localdate()
    quarter = Quarter.containing(today).previous()
    if today < quarterly_report_due(quarter, settings.REPORTS_WORKDAY_AFTER_QUARTER):
        return []
    plans = Plan.objects.filter(
        phase=Plan.Phase.ACTIVE, start_date__lte=quarter.end, end_date__gte=quarter.start
    ).order_by("pk")
    existing = set(
        StatusReport.objects.filter(
            plan__in=plans,
            audience=StatusReport.Audience.BOARD,
            meeting__isnull=True,  # a report for a meeting is not the quarterly report
            data_cutoff__isnull=True,
            period=quarter.code,
            state__in=[StatusReport.State.DONE, *StatusReport.ACTIVE_STATES],
        ).values_list("plan_id", "kind")
    )
    queued = []
    for plan in plans:
        for kind in StatusReport.Kind:
            if (plan.pk, kind.value) in existing:
                continue
            queued.append(status_report_request(plan=plan, period=quarter.code, kind=kind, via=StatusReport.Via.BEAT))
    return queued
