"""Writes for meetings: one function per use case, validated and atomic (meetings, agenda, bilag,
send-out, minutes, decisions, action items, reminders, calendar tokens).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dispatch import task_named
from governance.bodies.models import Body
from governance.meetings.models import (
    CALENDAR_TOKEN_HINT_LENGTH,
    ActionItem,
    AgendaItem,
    Attachment,
    CalendarToken,
    Decision,
    Guest,
    Meeting,
    Minutes,
    MinutesItem,
    ReminderLog,
    SendOut,
    hash_calendar_token,
)
from governance.meetings.selectors import (
    agenda_attachments,
    meeting_agenda,
    meeting_invitees,
    meeting_member_ids,
    overdue_actions,
)
from governance.meetings.uploads import check_upload, display_name
from plans.models import Role, RoleAssignment

logger = logging.getLogger(__name__)

# Celery task names; stable across releases because queued messages and the beat schedule carry them.
DELIVER_SEND_OUT = "governance.tasks.deliver_send_out"


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
    transaction.on_commit(lambda: task_named(DELIVER_SEND_OUT).delay(send_out.pk))
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
    if meeting.status in {Meeting.Status.PLANNED, Meeting.Status.AGENDA_SENT} and meeting.starts_at <= timezone.now():
        meeting.status = Meeting.Status.HELD  # a draft written before the meeting does not make it held
        meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def action_item_create(
    *, decision: Decision, title: str, owner, due_date: date, note: str = "", due_date_reason: str = ""
) -> ActionItem:
    """Add an action to a decision in draft minutes. A due date before today is a warning: allowed
    only with a reason (e.g. minutes written up after the fact), which is kept on the action."""
    if decision.is_locked or not decision.is_current:
        raise ValidationError(_("Beslutningen er låst; handlingspunkter tilføjes med en rettelse."))
    if due_date and due_date < timezone.localdate() and not due_date_reason.strip():
        raise ValidationError(
            {
                "due_date_reason": _(
                    "Fristen %(due)s ligger før i dag, så handlingspunktet er overskredet fra start. "
                    "Ret fristen, eller skriv en begrundelse, hvis det er med vilje."
                )
                % {"due": f"{due_date:%d.%m.%Y}"}
            }
        )
    action = ActionItem(
        decision=decision,
        title=title,
        owner=owner,
        due_date=due_date,
        note=note,
        due_date_reason=due_date_reason.strip() if due_date and due_date < timezone.localdate() else "",
    )
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
    if meeting.starts_at > timezone.now():
        raise ValidationError(
            _("Referatet kan først godkendes, når mødet er begyndt (%(start)s).")
            % {"start": f"{timezone.localtime(meeting.starts_at):%d.%m.%Y kl. %H.%M}"}
        )
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
