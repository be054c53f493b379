"""The LBF year (issue #14, item 2): a plan's yearly obligations towards Landsbyggefonden, their
deadlines, the reminders before them and the overdue ones.

- ``obligations_generate`` makes, for every year of the plan's period, a selvevaluering, a
  målopfyldelsesskema and a reguleringskontoopgørelse (regnskab), the two yearly updates of LBF's
  boligsociale data, and one midtvejsevaluering when the period is at least four years. Idempotent:
  existing rows keep their state; a deadline that changed moves with it unless already submitted.
- Deadlines come from the plan's ``ObligationDeadline`` rows, else ``DEFAULT_DEADLINES`` (the
  portal's defaults; docs/lbf-year.md gives each one's source and says which are our assumptions).
- ``obligation_reminders_send`` e-mails each responsible person once per stage (30 and 7 days
  before), all their obligations of a stage in one e-mail; ``ObligationReminder`` makes it idempotent.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plans import access
from plans.models import Person, Plan, Role, RoleAssignment

from .models import Obligation, ObligationDeadline, ObligationKind, ObligationReminder

K = ObligationKind


@dataclass(frozen=True)
class Deadline:
    """A deadline rule: ``day``/``month`` in the obligation's year plus ``years_after``."""

    month: int
    day: int
    years_after: int
    source: str

    def for_year(self, year: int) -> date:
        target_year = year + self.years_after
        return date(target_year, self.month, min(self.day, calendar.monthrange(target_year, self.month)[1]))


# The portal's defaults, (kind, sequence) -> deadline. docs/lbf-year.md: sources and assumptions.
DEFAULT_DEADLINES: dict[tuple[str, int], Deadline] = {
    (K.SELF_EVALUATION, 1): Deadline(3, 1, 1, "Seed 001: selvevaluering én gang årligt; dato: portalens standard"),
    (K.GOAL_ATTAINMENT, 1): Deadline(3, 1, 1, "Seed 001: målopfyldelsesskema én gang årligt; dato: portalens standard"),
    (K.ACCOUNTS, 1): Deadline(6, 30, 1, "Seed 001: årlig reguleringskontoopgørelse; dato: portalens standard"),
    (K.DATA_UPDATE, 1): Deadline(3, 31, 0, "Domæne regel 8: LBF's boligsociale data opdateres to gange årligt"),
    (K.DATA_UPDATE, 2): Deadline(9, 30, 0, "Domæne regel 8: LBF's boligsociale data opdateres to gange årligt"),
}
MIDTERM_MIN_YEARS = 4  # a midtvejsevaluering where the period is at least four years (docs/lbf-year.md)
MIDTERM_MONTHS_AFTER_MIDDLE = 3
REMINDER_STAGES = (30, 7)  # days before the deadline


def midterm_due(plan: Plan) -> date | None:
    """The midtvejsevaluering's deadline: three months after the middle of the period (None: too short)."""
    days = (plan.end_date - plan.start_date).days
    if days < MIDTERM_MIN_YEARS * 365:
        return None
    middle = plan.start_date + timedelta(days=days // 2)
    month = middle.month - 1 + MIDTERM_MONTHS_AFTER_MIDDLE
    year, month = middle.year + month // 12, month % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def plan_deadlines(plan: Plan) -> dict[tuple[str, int], Deadline]:
    """The deadline rules that apply to ``plan``: its own where it has them, else the defaults."""
    rules = dict(DEFAULT_DEADLINES)
    for row in plan.obligation_deadlines.all():
        rules[(row.kind, row.sequence)] = Deadline(row.month, row.day, row.years_after, row.source)
    return rules


def _default_responsible(plan: Plan) -> dict[str, Person | None]:
    """The secretariat's lead for everything; the boligorganisation's staff for its accounts, when known."""
    lead = (
        Person.objects.filter(
            user__role_assignments__role=Role.SECRETARIAT_LEAD, user__role_assignments__secretariat=plan.secretariat_id
        )
        .order_by("pk")
        .first()
    )
    housing_staff = (
        Person.objects.filter(
            user__in=RoleAssignment.objects.filter(
                role=Role.HOUSING_ORG_STAFF, organisation__in=plan.housing_organisations.all()
            ).values("user")
        )
        .order_by("pk")
        .first()
    )
    return defaultdict(lambda: lead, {K.ACCOUNTS: housing_staff or lead})


def expected_obligations(plan: Plan) -> list[tuple[str, int, int, date]]:
    """(kind, year, sequence, due date) of every obligation the plan's period calls for."""
    rules = plan_deadlines(plan)
    rows = []
    for year in plan.years:
        for (kind, sequence), rule in rules.items():
            if kind == K.MIDTERM_EVALUATION:
                continue
            due = rule.for_year(year)
            if kind == K.DATA_UPDATE and not (plan.start_date <= due <= plan.end_date):
                continue  # data updates fall inside the period; the rest follow the year
            rows.append((kind, year, sequence, due))
    midterm = midterm_due(plan)
    if midterm:
        own = rules.get((K.MIDTERM_EVALUATION, 1))
        rows.append((K.MIDTERM_EVALUATION, midterm.year, 1, own.for_year(midterm.year) if own else midterm))
    return sorted(rows, key=lambda row: (row[3], row[0], row[2]))


@transaction.atomic
def obligations_generate(*, plan: Plan) -> tuple[int, int]:
    """Create the plan's missing obligations and move the deadlines of unsubmitted ones that changed.
    Returns (created, moved)."""
    existing = {(o.kind, o.year, o.sequence): o for o in plan.obligations.select_for_update()}
    responsible = _default_responsible(plan)
    created = moved = 0
    for kind, year, sequence, due in expected_obligations(plan):
        obligation = existing.get((kind, year, sequence))
        if obligation is None:
            Obligation.objects.create(
                plan=plan, kind=kind, year=year, sequence=sequence, due_date=due, responsible=responsible[kind]
            )
            created += 1
        elif obligation.due_date != due and not obligation.is_submitted:
            obligation.due_date = due
            obligation._change_reason = _("Fristen er ændret")
            obligation.save(update_fields=["due_date"])
            moved += 1
    return created, moved


@transaction.atomic
def obligation_deadline_set(
    *, plan: Plan, kind: str, sequence: int, month: int, day: int, years_after: int, source: str
):
    """Set the plan's own deadline for a kind of obligation and move its unsubmitted obligations."""
    deadline = ObligationDeadline.objects.filter(plan=plan, kind=kind, sequence=sequence).first() or ObligationDeadline(
        plan=plan, kind=kind, sequence=sequence
    )
    deadline.month, deadline.day, deadline.years_after, deadline.source = month, day, years_after, source
    deadline.full_clean()
    deadline.save()
    obligations_generate(plan=plan)
    return deadline


@transaction.atomic
def obligation_update(
    *, obligation: Obligation, state: str, responsible=None, submitted_on=None, note="", checked_file=None, upload=None
) -> Obligation:
    """Change an obligation's state, responsible person and note; with ``upload`` (already checked:
    ``checked_file``) store the submitted file. A submitted obligation needs its date."""
    if state == Obligation.State.SUBMITTED and not submitted_on:
        submitted_on = timezone.localdate()
    obligation.state = state
    obligation.responsible = responsible
    obligation.submitted_on = submitted_on if state == Obligation.State.SUBMITTED else None
    obligation.note = note
    if upload is not None:
        from plans.files import stored_name

        obligation.file.save(stored_name(upload.name, checked_file.content_type), upload, save=False)
        obligation.file_name = upload.name[:255]
        obligation.file_content_type = checked_file.content_type
        obligation.file_sha256 = checked_file.sha256
    obligation.full_clean()
    obligation.save()
    return obligation


# --- overdue and reminders ----------------------------------------------------------------------


def overdue_obligations(*, user, plan_ids=None, today: date | None = None, limit: int = 20) -> list[Obligation]:
    """The user's plans' obligations past their deadline and not submitted, oldest first (one query)."""
    today = today or timezone.localdate()
    rows = (
        access.visible(user, Obligation)
        .filter(due_date__lt=today)
        .exclude(state=Obligation.State.SUBMITTED)
        .select_related("plan", "responsible")
        .order_by("due_date", "plan__name", "kind")
    )
    if plan_ids is not None:
        rows = rows.filter(plan_id__in=plan_ids)
    return list(rows[:limit])


def plan_overdue_obligations(*, plan: Plan, on: date | None = None) -> list[Obligation]:
    """One plan's obligations past their deadline on ``on`` and not submitted (unscoped: for what is
    made for the plan's board, e.g. proposing them for the next board agenda or the pixi's questions)."""
    on = on or timezone.localdate()
    return list(
        plan.obligations.filter(due_date__lt=on)
        .exclude(state=Obligation.State.SUBMITTED)
        .select_related("responsible")
        .order_by("due_date", "kind", "sequence")
    )


def _recipient(obligation: Obligation) -> str:
    person = obligation.responsible
    if person is not None:
        email = person.email or (person.user.email if person.user_id else "")
        if email:
            return email
    return obligation.plan.secretariat.email


def obligation_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Send the reminders due today: for each obligation not submitted whose deadline is 30 or 7
    days away (or nearer, if a day was missed), one e-mail per recipient per stage with all their
    obligations. A stage already sent to that recipient is never sent again."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_STAGES))
    candidates = (
        Obligation.objects.filter(due_date__gte=today, due_date__lte=horizon)
        .exclude(state=Obligation.State.SUBMITTED)
        .select_related("plan__secretariat", "responsible__user")
        .order_by("due_date", "plan__name")
    )
    sent_before = set(
        ObligationReminder.objects.filter(obligation__in=candidates).values_list(
            "obligation_id", "email", "days_before"
        )
    )
    batches: dict[tuple[str, int], list[Obligation]] = defaultdict(list)
    for obligation in candidates:
        days_left = (obligation.due_date - today).days
        stage = min(stage for stage in REMINDER_STAGES if days_left <= stage)
        email = _recipient(obligation)
        if email and (obligation.pk, email, stage) not in sent_before:
            batches[(email, stage)].append(obligation)
    emails = 0
    for (email, stage), obligations in sorted(batches.items()):
        with transaction.atomic():
            try:
                for obligation in obligations:
                    ObligationReminder.objects.create(obligation=obligation, email=email, days_before=stage)
            except IntegrityError:
                continue  # another run got there first
            context = {
                "items": [
                    (o, settings.PORTAL_BASE_URL + reverse("lbf:obligations", args=[o.plan_id])) for o in obligations
                ],
                "stage": stage,
            }
            send_mail(
                subject=_("Påmindelse: %(count)d LBF-frist(er) om %(days)d dage eller mindre")
                % {"count": len(obligations), "days": stage},
                message=render_to_string("monitoring/obligation_reminder_email.txt", context),
                from_email=None,
                recipient_list=[email],
            )
            emails += 1
    return {"emails": emails, "obligations": sum(len(o) for o in batches.values())}
