"""Writes in the governance app: one function per use case, validated and atomic."""

import logging
import os
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from monitoring.models import Goal
from plans.models import Person, Plan, Role, RoleAssignment
from plans.services import role_assign

from .models import (
    CALENDAR_TOKEN_HINT_LENGTH,
    ActionItem,
    AgendaItem,
    Attachment,
    Body,
    CalendarToken,
    Decision,
    Guest,
    Meeting,
    Membership,
    Minutes,
    MinutesItem,
    ReminderLog,
    SendOut,
    StatusReport,
    hash_calendar_token,
    status_report_upload_to,
)
from .periods import Quarter, quarterly_report_due, validate_period
from .reports import PIXI_MAX_PAGES, build_report_snapshot, render_report_html, render_report_pdf, snapshot_sha256
from .selectors import (
    agenda_attachments,
    board_questions,
    meeting_agenda,
    meeting_invitees,
    meeting_member_ids,
    next_board_meeting,
    overdue_actions,
)
from .uploads import check_upload, display_name

logger = logging.getLogger(__name__)


@transaction.atomic
def membership_create(*, body: Body, person, role: str, organisation, start_date, end_date=None) -> Membership:
    """Seat ``person`` in ``body``; a person with a login gets the matching access role.

    Board members get ``board_member`` on the plan; steering-group members get
    ``steering_group_member`` on each delaftale their group owns.
    """
    membership = Membership(
        body=body,
        person=person,
        role=role,
        organisation=organisation,
        start_date=start_date,
        end_date=end_date,
    )
    membership.full_clean()
    membership.save()
    if person.user_id:
        if body.is_board:
            role_assign(user=person.user, role=Role.BOARD_MEMBER, plan=body.plan)
        else:
            for sub_agreement in body.sub_agreements.all():
                role_assign(user=person.user, role=Role.STEERING_GROUP_MEMBER, sub_agreement=sub_agreement)
    return membership


@transaction.atomic
def body_set_sub_agreements(*, body: Body, sub_agreements) -> Body:
    """Make ``body`` (a steering group) responsible for exactly these delaftaler."""
    sub_agreements = list(sub_agreements)
    body.validate_sub_agreements(sub_agreements)
    body.sub_agreements.set(sub_agreements)
    return body


# --- Meetings and agendas ---------------------------------------------------------------------


def _check_invited_bodies(meeting: Meeting, invited_bodies) -> list[Body]:
    invited_bodies = [body for body in invited_bodies if body.pk != meeting.body_id]
    if any(body.plan_id != meeting.body.plan_id for body in invited_bodies):
        raise ValidationError({"invited_bodies": _("De inviterede organer skal høre til samme helhedsplan.")})
    return invited_bodies


@transaction.atomic
def meeting_create(
    *,
    body: Body,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = Meeting.Kind.REGULAR,
    location: str = "",
    video_link: str = "",
    invited_bodies=(),
) -> Meeting:
    """Plan a meeting; the body's open action items are put on its agenda as a follow-up item."""
    meeting = Meeting(
        body=body,
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        video_link=video_link,
    )
    meeting.full_clean()
    invited = _check_invited_bodies(meeting, invited_bodies)
    meeting.save()
    meeting.invited_bodies.set(invited)
    meeting_sync_follow_up(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, invited_bodies=None, **fields) -> Meeting:
    """Change a meeting's time, place or title (not after the minutes are approved)."""
    if meeting.is_minutes_approved:
        raise ValidationError(_("Mødet kan ikke ændres, når referatet er godkendt."))
    for name, value in fields.items():
        if name not in {"title", "kind", "starts_at", "ends_at", "location", "video_link"}:
            raise TypeError(name)
        setattr(meeting, name, value)
    meeting.full_clean()
    invited = _check_invited_bodies(meeting, invited_bodies) if invited_bodies is not None else None
    meeting.save()
    if invited is not None:
        meeting.invited_bodies.set(invited)
    return meeting


def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def meeting_sync_follow_up(*, meeting: Meeting) -> AgendaItem | None:
    """Carry the body's open action items from earlier meetings onto this meeting's agenda.

    Runs when a meeting is created and whenever its agenda is opened, until the agenda is sent.
    Only the body's *next* meeting gets the item: a meeting waits while an earlier meeting of the
    same body has no approved minutes yet (that one follows the actions up first). Once sent, the
    item is left as it went out.
    """
    if meeting.status != Meeting.Status.PLANNED:
        return meeting.agenda_items.filter(is_follow_up=True).first()
    earlier_pending = (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.MINUTES_APPROVED)
        .exists()
    )
    open_actions = []
    if not earlier_pending:
        open_actions = list(
            ActionItem.objects.filter(
                status=ActionItem.Status.OPEN,
                decision__is_current=True,
                decision__agenda_item__meeting__body_id=meeting.body_id,
                decision__agenda_item__meeting__starts_at__lt=meeting.starts_at,
            ).order_by("due_date", "pk")
        )
    item = meeting.agenda_items.filter(is_follow_up=True).first()
    if not open_actions:
        if item is not None:
            item.delete()
        return None
    if item is None:
        item = AgendaItem(
            meeting=meeting,
            position=_next_position(meeting),
            title=str(_("Opfølgning på handlingspunkter")),
            kind=AgendaItem.Kind.INFORMATION,
            description=str(_("Sekretariatet orienterer om status på de åbne handlingspunkter fra tidligere møder.")),
            is_follow_up=True,
        )
        item.full_clean()
        item.save()
    item.carried_actions.set(open_actions)
    return item


@transaction.atomic
def agenda_item_save(
    *,
    meeting: Meeting,
    title: str,
    kind: str,
    description: str = "",
    recommendation: str = "",
    presenter=None,
    sub_agreements=(),
    interventions=(),
    guests=(),
    goals=(),
    item: AgendaItem | None = None,
    question_key: str | None = None,
) -> AgendaItem:
    """Create (``item`` None) or change an agenda item with its links and guests."""
    if not meeting.agenda_is_open:
        raise ValidationError(_("Dagsordenen kan ikke ændres, når referatet er godkendt."))
    if item is None:
        item = AgendaItem(meeting=meeting, position=_next_position(meeting))
    elif item.meeting_id != meeting.pk:
        raise ValidationError(_("Punktet hører ikke til mødet."))
    item.title = title
    item.kind = kind
    item.description = description
    item.recommendation = recommendation
    item.presenter = presenter
    if question_key is not None:
        item.question_key = question_key
    item.full_clean()
    sub_agreements, interventions, goals = list(sub_agreements), list(interventions), list(goals)
    item.validate_links(sub_agreements=sub_agreements, interventions=interventions, goals=goals)
    item.save()
    item.sub_agreements.set(sub_agreements)
    item.interventions.set(interventions)
    item.goals.set(goals)
    guests = list(guests)
    item.guests.exclude(person__in=guests).delete()
    existing = set(item.guests.values_list("person_id", flat=True))
    Guest.objects.bulk_create(
        [Guest(agenda_item=item, person=person) for person in guests if person.pk not in existing]
    )
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above (``up``) or below (``down``)."""
    if not item.meeting.agenda_is_open:
        raise ValidationError(_("Dagsordenen kan ikke ændres, når referatet er godkendt."))
    siblings = AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id)
    if direction == "up":
        neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
    elif direction == "down":
        neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
    else:
        raise ValidationError(_("Ukendt retning."))
    if neighbour is None:
        return item
    mine, theirs = item.position, neighbour.position
    AgendaItem.objects.filter(pk=item.pk).update(position=32000)
    AgendaItem.objects.filter(pk=neighbour.pk).update(position=mine)
    AgendaItem.objects.filter(pk=item.pk).update(position=theirs)
    item.position = theirs
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    """Remove an item (and its bilag) from an agenda; the items below move up."""
    meeting = item.meeting
    if not meeting.agenda_is_open:
        raise ValidationError(_("Dagsordenen kan ikke ændres, når referatet er godkendt."))
    if item.decisions.exists():
        raise ValidationError(_("Punktet har en beslutning i referatet og kan ikke slettes."))
    files = [(attachment.file.storage, attachment.file.name) for attachment in item.attachments.all()]
    position = item.position
    item.delete()
    for later in meeting.agenda_items.filter(position__gt=position).order_by("position"):
        AgendaItem.objects.filter(pk=later.pk).update(position=later.position - 1)
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def attachment_add(*, item: AgendaItem, upload, user) -> Attachment:
    """Check the file's content and size, then store it; nothing is written when the check fails."""
    if not item.meeting.agenda_is_open:
        raise ValidationError(_("Der kan ikke tilføjes bilag, når referatet er godkendt."))
    checked = check_upload(upload)
    original_name = display_name(upload.name or "", checked.content_type)
    attachment = Attachment(
        agenda_item=item,
        original_name=original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
    )
    with transaction.atomic():
        attachment.file.save(original_name, upload, save=False)
        try:
            attachment.full_clean()
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    if not attachment.agenda_item.meeting.agenda_is_open:
        raise ValidationError(_("Bilag kan ikke fjernes, når referatet er godkendt."))
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Send-out ---------------------------------------------------------------------------------


@transaction.atomic
def meeting_request_send_out(*, meeting: Meeting, user, resend: bool = False) -> SendOut | None:
    """Queue the agenda send-out. Returns None (and sends nothing) if it was sent and ``resend`` is off."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_minutes_approved:
        raise ValidationError(_("Referatet er godkendt; dagsordenen kan ikke sendes igen."))
    if not meeting.agenda_items.exists():
        raise ValidationError(_("Dagsordenen har ingen punkter."))
    already = meeting.send_outs.exclude(status=SendOut.Status.FAILED).exists()
    if already and not resend:
        return None
    send_out = SendOut.objects.create(meeting=meeting, requested_by=user, is_resend=already)
    from .tasks import deliver_send_out

    transaction.on_commit(lambda: deliver_send_out.delay(send_out.pk))
    return send_out


def meeting_pack_pdf(*, meeting: Meeting, only_items: list[int] | None = None) -> bytes:
    """The meeting pack: agenda with recommendations and the list of bilag, as PDF (WeasyPrint).

    ``only_items`` makes a guest's pack: only those agenda items and their bilag, without the
    rest of the agenda or the list of invitees (a guest is invited for one item, not the meeting).
    """
    from weasyprint import HTML

    items = meeting_agenda(meeting=meeting)
    guest_pack = only_items is not None
    if guest_pack:
        items = [item for item in items if item.pk in set(only_items)]
    html = render_to_string(
        "governance/meeting_pack.html",
        {
            "meeting": meeting,
            "items": items,
            "attachments": agenda_attachments(items),
            "invitees": [] if guest_pack else meeting_invitees(meeting=meeting),
            "guest_pack": guest_pack,
            "for_pdf": True,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1")


def _person_email(person) -> str:
    return person.email or (person.user.email if person.user_id else "")


def _agenda_messages(send_out: SendOut, meeting: Meeting):
    """Build the pack PDF (kept on the send-out) and one e-mail per invitee address.

    Members of the body and of invited bodies get the whole pack; a guest who is not a member gets a
    pack with only the items they are invited to (``meeting_pack_pdf(only_items=...)``).
    """
    pdf = meeting_pack_pdf(meeting=meeting)
    local = timezone.localtime(meeting.starts_at)
    filename = f"moedepakke-{local:%Y-%m-%d}-{meeting.pk}.pdf"
    send_out.pack.save(filename, ContentFile(pdf), save=False)
    members = meeting_member_ids(meeting=meeting)
    guest_items: dict[int, list[int]] = defaultdict(list)
    for guest in Guest.objects.filter(agenda_item__meeting=meeting).order_by("agenda_item__position"):
        if guest.person_id not in members:
            guest_items[guest.person_id].append(guest.agenda_item_id)
    packs: dict[str, bytes] = {}  # e-mail address → the pack it gets
    guest_packs: dict[tuple[int, ...], bytes] = {}
    for person, _role in meeting_invitees(meeting=meeting):
        email = _person_email(person)
        if not email:
            continue
        if person.pk in guest_items:
            key = tuple(guest_items[person.pk])
            if key not in guest_packs:
                guest_packs[key] = meeting_pack_pdf(meeting=meeting, only_items=list(key))
            packs.setdefault(email, guest_packs[key])
        else:
            packs[email] = pdf  # a member's whole pack wins over a guest pack for a shared address
    recipients = sorted(packs)
    url = settings.PORTAL_BASE_URL + reverse("governance:meeting-detail", args=[meeting.pk])
    template = (
        _("Opdateret dagsorden: %(title)s, %(date)s") if send_out.is_resend else _("Dagsorden: %(title)s, %(date)s")
    )
    subject = template % {"title": meeting.title, "date": f"{local:%d.%m.%Y kl. %H.%M}"}
    body = render_to_string("governance/email/agenda.txt", {"meeting": meeting, "url": url, "local": local})
    messages = []
    for email in recipients:
        message = EmailMessage(subject=subject, body=body, to=[email])
        message.attach(filename, packs[email], "application/pdf")
        messages.append(message)
    return messages, recipients


def send_out_deliver(*, send_out_id: int) -> SendOut | None:
    """Build the pack and e-mail every invitee. Idempotent: only a queued send-out is delivered.

    A failure marks the send-out failed (with the error) and returns None; a failed send-out does
    not count as sent, so "Send dagsorden" works again without the resend flag.
    """
    claimed = SendOut.objects.filter(pk=send_out_id, status=SendOut.Status.QUEUED).update(status=SendOut.Status.SENDING)
    if not claimed:
        return None
    send_out = SendOut.objects.select_related("meeting__body__plan").get(pk=send_out_id)
    meeting = send_out.meeting
    try:
        # The pack and the e-mails are Danish whatever language the requesting page used.
        with translation.override(settings.LANGUAGE_CODE):
            messages, recipients = _agenda_messages(send_out, meeting)
        with get_connection() as connection:
            connection.send_messages(messages)
    except Exception as exc:  # PDF, storage or SMTP: record it; the secretariat sees it and sends again
        logger.exception("Send-out %s of meeting %s failed", send_out.pk, meeting.pk)
        SendOut.objects.filter(pk=send_out.pk).update(status=SendOut.Status.FAILED, error=str(exc)[:2000])
        return None
    now = timezone.now()
    with transaction.atomic():
        send_out.status = SendOut.Status.SENT
        send_out.sent_at = now
        send_out.recipients_count = len(recipients)
        send_out.save()
        if meeting.status == Meeting.Status.PLANNED:
            meeting.status = Meeting.Status.AGENDA_SENT
        if meeting.agenda_sent_at is None:
            meeting.agenda_sent_at = now
        meeting.save(update_fields=["status", "agenda_sent_at"])
    return send_out


# --- Minutes, decisions and actions -----------------------------------------------------------


@dataclass
class MinutesEntry:
    discussion: str = ""
    decision: str = ""


@transaction.atomic
def minutes_save(*, meeting: Meeting, user, entries: dict[int, MinutesEntry]) -> Meeting:
    """Save the draft minutes: discussion per item and decision text for decision items."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_minutes_approved:
        raise ValidationError(_("Referatet er godkendt og låst. Ret en beslutning med en ny version."))
    items = {item.pk: item for item in meeting.agenda_items.all()}
    for item_id, entry in entries.items():
        item = items.get(item_id)
        if item is None:
            raise ValidationError(_("Punktet hører ikke til mødet."))
        MinutesItem.objects.update_or_create(agenda_item=item, defaults={"discussion": entry.discussion.strip()})
        if item.kind != AgendaItem.Kind.DECISION:
            continue
        text = entry.decision.strip()
        decision = item.decisions.filter(is_current=True).first()
        if decision is None and text:
            decision = Decision(agenda_item=item, text=text, created_by=user)
            decision.full_clean()
            decision.save()
        elif decision is not None and text and text != decision.text:
            decision.text = text
            decision.full_clean()
            decision.save()
        elif decision is not None and not text:
            if decision.actions.exists():
                raise ValidationError(
                    _("Beslutningen til punkt %(position)s har handlingspunkter og kan ikke slettes.")
                    % {"position": item.position}
                )
            decision.delete()
    if meeting.status in {Meeting.Status.PLANNED, Meeting.Status.AGENDA_SENT}:
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def action_item_create(*, decision: Decision, title: str, owner, due_date: date, note: str = "") -> ActionItem:
    """Add an action to a decision in draft minutes."""
    if decision.is_locked or not decision.is_current:
        raise ValidationError(_("Beslutningen er låst; handlingspunkter tilføjes med en rettelse."))
    action = ActionItem(decision=decision, title=title, owner=owner, due_date=due_date, note=note)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_item_set_status(*, action: ActionItem, status: str, note: str | None = None) -> ActionItem:
    """Follow up an action: open, done or cancelled, with an optional note (history keeps each change)."""
    action.status = status
    if note is not None:
        action.note = note
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user) -> Minutes:
    """Godkend referat: lock every decision and record version 1 of the minutes."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_minutes_approved:
        raise ValidationError(_("Referatet er allerede godkendt."))
    missing = meeting.agenda_items.filter(kind=AgendaItem.Kind.DECISION, is_follow_up=False).exclude(
        decisions__is_current=True
    )
    if missing.exists():
        positions = ", ".join(str(p) for p in missing.values_list("position", flat=True))
        raise ValidationError(
            _("Skriv beslutningen til alle beslutningspunkter før godkendelse (mangler: punkt %(positions)s).")
            % {"positions": positions}
        )
    now = timezone.now()
    minutes = Minutes(meeting=meeting, version=1, approved_at=now, approved_by=user)
    minutes.full_clean()
    minutes.save()
    for decision in Decision.objects.filter(agenda_item__meeting=meeting, is_current=True):
        decision.locked_at = now
        decision.save(update_fields=["locked_at"])
    meeting.status = Meeting.Status.MINUTES_APPROVED
    meeting.save(update_fields=["status"])
    return minutes


@transaction.atomic
def decision_correct(*, decision: Decision, text: str, reason: str, user) -> Decision:
    """Correct a locked decision: a new locked version with a reason; its actions move along.

    The meeting gets a new minutes version carrying the same reason, so the referat's history
    shows the correction too.
    """
    decision = Decision.objects.select_for_update().select_related("agenda_item__meeting").get(pk=decision.pk)
    if not decision.is_current:
        raise ValidationError(_("Kun den gældende version kan rettes."))
    if not decision.is_locked:
        raise ValidationError(_("Beslutningen er ikke låst; ret den i referatet."))
    if not reason.strip():
        raise ValidationError({"correction_reason": _("En rettelse skal have en begrundelse.")})
    if text.strip() == decision.text:
        raise ValidationError({"text": _("Rettelsen ændrer ikke beslutningen.")})
    now = timezone.now()
    Decision.objects.filter(pk=decision.pk).update(is_current=False)
    new = Decision(
        agenda_item=decision.agenda_item,
        version=decision.version + 1,
        text=text.strip(),
        correction_reason=reason.strip(),
        locked_at=now,
        created_by=user,
    )
    new.full_clean()
    new.save()
    for action in decision.actions.all():
        action.decision = new
        action.save(update_fields=["decision"])
    meeting = decision.agenda_item.meeting
    version = (meeting.minutes.aggregate(m=Max("version"))["m"] or 0) + 1
    minutes = Minutes(
        meeting=meeting,
        version=version,
        approved_at=now,
        approved_by=user,
        correction_reason=_("Punkt %(position)s: %(reason)s")
        % {"position": decision.agenda_item.position, "reason": reason.strip()},
    )
    minutes.full_clean()
    minutes.save()
    return new


# --- Reminders ---------------------------------------------------------------------------------


def send_overdue_action_reminders(*, today: date | None = None) -> dict[str, int]:
    """One e-mail per owner listing all their overdue actions, plus one summary per sekretariatsleder.

    Idempotent per day: a ``ReminderLog`` row per (day, kind, address) is claimed before sending.
    """
    today = today or timezone.localdate()
    actions = list(overdue_actions(today=today))
    by_owner: dict[str, list[ActionItem]] = defaultdict(list)
    by_secretariat: dict[int, list[ActionItem]] = defaultdict(list)
    for action in actions:
        email = _person_email(action.owner)
        if email:
            by_owner[email.lower()].append(action)
        by_secretariat[action.decision.agenda_item.meeting.body.plan.secretariat_id].append(action)
    leads: dict[str, list[ActionItem]] = defaultdict(list)
    lead_assignments = RoleAssignment.objects.filter(
        role=Role.SECRETARIAT_LEAD, secretariat_id__in=list(by_secretariat)
    ).select_related("user")
    for assignment in lead_assignments:
        if assignment.user.email and assignment.user.is_active:
            leads[assignment.user.email.lower()].extend(by_secretariat[assignment.secretariat_id])
    sent = {"owner": 0, "summary": 0}
    base = settings.PORTAL_BASE_URL
    for kind, groups, template, subject in (
        (
            ReminderLog.Kind.OWNER,
            by_owner,
            "governance/email/overdue_owner.txt",
            _("Overskredne handlingspunkter"),
        ),
        (
            ReminderLog.Kind.SUMMARY,
            leads,
            "governance/email/overdue_summary.txt",
            _("Oversigt: overskredne handlingspunkter"),
        ),
    ):
        for email, items in sorted(groups.items()):
            items = sorted({a.pk: a for a in items}.values(), key=lambda a: (a.due_date, a.pk))
            with transaction.atomic():
                _log, created = ReminderLog.objects.get_or_create(
                    day=today, kind=kind, email=email, defaults={"actions_count": len(items)}
                )
                if not created:
                    continue
                body = render_to_string(template, {"actions": items, "today": today, "base": base})
                EmailMessage(subject=f"{subject} ({len(items)})", body=body, to=[email]).send()
            sent[kind] += 1
    return sent


# --- Calendar ----------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_create(*, user) -> tuple[CalendarToken, str]:
    """A new feed token and its secret (only its hash is stored: show the secret once, now).

    Older active tokens of the user are revoked.
    """
    now = timezone.now()
    CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    secret = CalendarToken.generate_secret()
    token = CalendarToken.objects.create(
        user=user, token_hash=hash_calendar_token(secret), token_hint=secret[:CALENDAR_TOKEN_HINT_LENGTH]
    )
    return token, secret


@transaction.atomic
def calendar_token_revoke(*, token: CalendarToken) -> CalendarToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- Status reports (pixi and full) -------------------------------------------------------------

# Errors worth retrying: the database or the disk was briefly unavailable. Anything else fails the report.
TRANSIENT_REPORT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError)


def status_report_request(
    *,
    plan: Plan,
    period: str,
    kind: str,
    requested_by=None,
    via: str = StatusReport.Via.USER,
    audience: str = StatusReport.Audience.BOARD,
    audience_body: Body | None = None,
) -> StatusReport:
    """Queue the next version of a report for its audience (the board, or one steering group of the
    plan); while one is queued or running for the same plan, period, kind and audience, that one is
    returned instead (one job, one version). A bad audience raises ``ValidationError``.

    The Celery task is sent when the transaction commits, so the worker always finds the row.
    """
    from .tasks import generate_status_report  # tasks import this module

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
                task_id=str(uuid.uuid4()),
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
        return existing
    transaction.on_commit(lambda: _send_generate_job(report=report, task=generate_status_report))
    return report


def _send_generate_job(*, report: StatusReport, task) -> None:
    """Send the job; if it cannot be sent (broker down) or, in-process, ends in an exception, the
    report is marked failed instead of staying queued and blocking the next request."""
    try:
        task.apply_async(args=[report.pk], task_id=report.task_id)
    except Exception as exc:  # any broker or in-process error: record it on the report
        logger.exception("status report %s: job could not run", report.pk)
        status_report_mark_failed(report_id=report.pk, error=f"{exc.__class__.__name__}: {exc}")


def _claim(*, report_id: int, task_id: str | None) -> bool:
    """Queued → running with a conditional UPDATE; a redelivered message of the same job may re-claim."""
    claimable = Q(state=StatusReport.State.QUEUED)
    if task_id:
        claimable |= Q(state=StatusReport.State.RUNNING, task_id=task_id)
    return bool(
        StatusReport.objects.filter(claimable, pk=report_id).update(
            state=StatusReport.State.RUNNING, started_at=timezone.now(), error=""
        )
    )


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
    StatusReport.objects.filter(pk=report_id, state__in=StatusReport.ACTIVE_STATES).update(
        state=StatusReport.State.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def status_report_generate(*, report_id: int, task_id: str | None = None) -> StatusReport | None:
    """Build the snapshot, render the PDF and store it; ``None`` when there is nothing to do.

    A missing report, or one that is done, failed or being generated by another job, is left alone.
    Transient errors put the report back in the queue and are re-raised for the task to retry;
    any other error marks the report failed with the error text.
    """
    if not _claim(report_id=report_id, task_id=task_id):
        logger.info("status report %s: nothing to do (missing or already claimed)", report_id)
        return None
    report = StatusReport.objects.select_related("plan", "audience_body").get(pk=report_id)
    try:
        snapshot = build_report_snapshot(
            plan=report.plan,
            period=report.period,
            kind=report.kind,
            audience=report.audience,
            audience_body=report.audience_body,
        )
        content, pages = render_report_pdf(render_report_html(report=report, snapshot=snapshot))
        if report.kind == StatusReport.Kind.PIXI and pages > PIXI_MAX_PAGES:
            content, pages = render_report_pdf(render_report_html(report=report, snapshot=snapshot, tight=True))
        name = _write_pdf(report=report, content=content)
    except TRANSIENT_REPORT_ERRORS as exc:
        StatusReport.objects.filter(pk=report_id, state=StatusReport.State.RUNNING).update(
            state=StatusReport.State.QUEUED, error=f"{exc.__class__.__name__}: {exc}"[:5000]
        )
        raise
    except Exception as exc:
        logger.exception("status report %s failed", report_id)
        status_report_mark_failed(report_id=report_id, error=f"{exc.__class__.__name__}: {exc}")
        report.refresh_from_db()
        return report
    StatusReport.objects.filter(pk=report_id).update(
        state=StatusReport.State.DONE,
        pdf=name,
        page_count=pages,
        snapshot=snapshot,
        snapshot_sha256=snapshot_sha256(snapshot),
        finished_at=timezone.now(),
        error="",
    )
    report.refresh_from_db()
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


# --- Questions for the board → agenda items ------------------------------------------------------


@dataclass
class BoardQuestionResult:
    item: AgendaItem
    created: bool


@transaction.atomic
def board_question_add_to_agenda(*, plan: Plan, key: str, user=None) -> BoardQuestionResult:
    """Put one question of the plan's latest board pixi report on the board's next meeting as an agenda item.

    The item gets the question's kind, title, recommendation (indstilling) and linked goals.
    Idempotent: a question already on that meeting (same ``key``) returns the existing item.
    With ``user``, only a report that user may read counts (``plans.access``).
    """
    found = board_questions(plan=plan, user=user)
    question = next((q for q in found.questions if q.get("key") == key), None)
    if question is None:
        raise ValidationError(_("Spørgsmålet findes ikke i planens seneste pixi-rapport."))
    meeting = next_board_meeting(plan=plan)
    if meeting is None:
        raise ValidationError(_("Bestyrelsen har intet kommende møde. Opret mødet, og tilføj så punktet."))
    # Lock the meeting row so two clicks at once make one item (the unique constraint backs this up).
    meeting = Meeting.objects.select_for_update().select_related("body__plan").get(pk=meeting.pk)
    existing = meeting.agenda_items.filter(question_key=key).first()
    if existing is not None:
        return BoardQuestionResult(item=existing, created=False)
    report = found.report
    description = _("Fra pixi-rapporten for %(period)s (version %(version)s). %(why)s") % {
        "period": report.quarter.label,
        "version": report.version,
        "why": question.get("why", ""),
    }
    item = agenda_item_save(
        meeting=meeting,
        title=question["title"][:200],
        kind=question["kind"],
        description=description.strip(),
        recommendation=question["recommendation"],
        goals=Goal.objects.filter(plan=plan, pk__in=question.get("goal_ids") or []),
        question_key=key,
    )
    return BoardQuestionResult(item=item, created=True)
