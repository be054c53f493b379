"""`python manage.py generate_reports --period 2026-Q3 [--plan ID] [--kind pixi|full]
[--audience board|steering-groups|all] [--wait]`."""

import time

from celery import current_app
from django.core.management.base import BaseCommand, CommandError

from common.periods import Quarter
from governance.bodies.models import Body
from governance.reports.models import StatusReport
from governance.reports.services import status_report_request
from governance.reports.tasks import generate_status_report
from plans.models import Plan

AUDIENCES = ["board", "steering-groups", "all"]


def _audiences(plan: Plan, audience: str) -> list[dict]:
    """The ``status_report_request`` audience arguments for ``--audience`` on one plan."""
    targets = []
    if audience in ("board", "all"):
        targets.append({"audience": StatusReport.Audience.BOARD})
    if audience in ("steering-groups", "all"):
        groups = Body.objects.filter(plan=plan, kind__in=Body.GROUP_KINDS).order_by("name", "pk")
        targets.extend({"audience": StatusReport.Audience.STEERING_GROUP, "audience_body": body} for body in groups)
    return targets


class Command(BaseCommand):
    help = "Bestiller pixi- og/eller fulde statusrapporter for et kvartal; med --wait vises resultatet."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Kvartal, fx 2026-Q3.")
        parser.add_argument("--plan", type=int, help="Kun denne plan (id). Standard: alle aktive planer.")
        parser.add_argument("--kind", choices=list(StatusReport.Kind.values), help="Kun denne type.")
        parser.add_argument(
            "--audience",
            choices=AUDIENCES,
            default="board",
            help="Til bestyrelsen (standard), til hver af planens styregrupper, eller begge (all).",
        )
        parser.add_argument("--wait", action="store_true", help="Vent til rapporterne er færdige, og vis resultatet.")
        parser.add_argument("--timeout", type=int, default=600, help="Sekunder at vente med --wait (standard 600).")

    def handle(self, *args, period, plan=None, kind=None, audience="board", wait=False, timeout=600, **options):
        try:
            Quarter.parse(period)
        except ValueError:
            raise CommandError(f"--period skal være et kvartal som 2026-Q3, ikke {period!r}") from None
        if plan is not None:
            plans = list(Plan.objects.filter(pk=plan))
            if not plans:
                raise CommandError(f"Ingen plan med id {plan}")
        else:
            plans = list(Plan.objects.filter(phase=Plan.Phase.ACTIVE).order_by("pk"))
        kinds = [kind] if kind else list(StatusReport.Kind.values)
        reports = [
            status_report_request(plan=p, period=period, kind=k, via=StatusReport.Via.COMMAND, **target)
            for p in plans
            for target in _audiences(p, audience)
            for k in kinds
        ]
        for report in reports:
            self.stdout.write(
                f"{report.plan} {report.period} {report.kind} {report.audience_label} v{report.version}: {report.state}"
            )
        if not wait:
            return
        if current_app.conf.task_always_eager:
            # No broker: run what is still queued here (the job is idempotent, so a second run is a no-op).
            for report in reports:
                generate_status_report.apply(args=[report.pk], task_id=report.task_id)
        deadline = time.monotonic() + timeout
        pending = {report.pk for report in reports}
        while pending and time.monotonic() < deadline:
            pending = set(
                StatusReport.objects.filter(pk__in=pending, state__in=StatusReport.ACTIVE_STATES).values_list(
                    "pk", flat=True
                )
            )
            if pending:
                time.sleep(1)
        failed = False
        for report in StatusReport.objects.filter(pk__in=[r.pk for r in reports]).select_related(
            "plan", "audience_body"
        ):
            path = report.pdf.path if report.pdf else "-"
            pages = report.page_count if report.page_count is not None else "-"
            line = (
                f"{report.plan} {report.period} {report.kind} {report.audience_label} v{report.version}: "
                f"{report.state} pages={pages} {path}"
            )
            if report.state == StatusReport.State.FAILED:
                failed = True
                line += f" error={report.last_error}"
            self.stdout.write(line)
        if pending:
            raise CommandError(f"{len(pending)} rapport(er) blev ikke færdige inden for {timeout} s")
        if failed:
            raise CommandError("En eller flere rapporter fejlede")
