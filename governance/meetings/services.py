"""Writes for meetings: one function per use case, validated and atomic (meetings, agenda, bilag,
send-out, minutes, decisions, action items, reminders, calendar tokens).
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import jobs
from common.formatting import format_date, format_datetime
from common.pdf import write_tagged_pdf
from common.workdays import working_days_before
from governance.bodies.models import Body
from governance.meetings.attendance.links import answer_url
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
    SendOutDelivery,
    SendOutReminder,
    hash_calendar_token,
)
from governance.meetings.selectors import (
    Recipient,
    agenda_attachments,
    meeting_agenda,
    overdue_actions,
    send_out_recipients,
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
    body_sync_follow_up(body_id=meeting.body_id)
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
    body_sync_follow_up(body_id=meeting.body_id)  # a moved meeting may change which one follows up
    return meeting


def body_sync_follow_up(*, body_id: int) -> None:
    """Re-derive the follow-up item on each of the body's meetings whose agenda is not sent yet."""
    with transaction.atomic():
        for meeting in Meeting.objects.filter(body_id=body_id, status=Meeting.Status.PLANNED).order_by("starts_at"):
            meeting_sync_follow_up(meeting=meeting)


def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def meeting_sync_follow_up(*, meeting: Meeting) -> AgendaItem | None:
    """Carry the body's open action items from earlier meetings onto this meeting's agenda.

    Runs from the writes that change what it carries (``body_sync_follow_up``): a meeting created or
    moved, minutes approved, an action item added, changed or moved by a correction. Never from a
    page view (GET never writes). Only the body's *next* meeting gets the item: a meeting waits while
    an earlier meeting of the same body has no approved minutes yet (that one follows the actions up
    first). Once sent, the item is left as it went out. The meeting row is locked, so two writes at
    once make one item.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
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
    """Queue the agenda send-out (a job, sent to the job system on commit).

    Returns None (and queues nothing) while a send-out is queued or running, or when the agenda was
    sent and ``resend`` is off. A failed send-out does not count: the agenda can be sent again.
    With the job system down the send-out stays queued (``dispatch_failed`` on the returned row) and
    ``recover_jobs`` sends it when the job system is back.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_minutes_approved:
        raise ValidationError(_("Referatet er godkendt; dagsordenen kan ikke sendes igen."))
    if not meeting.agenda_items.exists():
        raise ValidationError(_("Dagsordenen har ingen punkter."))
    if meeting.send_outs.filter(state__in=jobs.ACTIVE_STATES).exists():
        return None
    already = meeting.send_outs.filter(state=SendOut.State.DONE).exists()
    if already and not resend:
        return None
    send_out = SendOut.objects.create(meeting=meeting, requested_by=user, is_resend=already, task_id=jobs.new_task_id())
    jobs.dispatch_on_commit(send_out)
    return send_out


@transaction.atomic
def send_out_retry(*, send_out: SendOut) -> SendOut:
    """«Prøv igen»: send the pack to the recipients it did not reach (failed or bounced, and invitees
    who have an e-mail address now), with the address as it is now. Recipients who got it are never
    mailed again. A failed send-out is queued again with fresh attempts."""
    send_out = SendOut.objects.select_for_update().select_related("meeting").get(pk=send_out.pk)
    if send_out.meeting.is_minutes_approved:
        raise ValidationError(_("Referatet er godkendt; dagsordenen kan ikke sendes igen."))
    if send_out.is_active:
        raise ValidationError(_("Udsendelsen er allerede i gang."))
    retry = list(
        send_out.deliveries.filter(
            status__in=[*SendOutDelivery.RETRYABLE, SendOutDelivery.Status.NO_EMAIL]
        ).select_related("person__user")
    )
    taken = set(send_out.deliveries.exclude(email="").values_list("email", flat=True))
    reopened = 0
    for delivery in retry:
        email = (_person_email(delivery.person) if delivery.person else delivery.email).strip()
        if not email:
            continue
        if email != delivery.email and email in taken:
            continue  # the new address already has its own row
        taken.add(email)
        delivery.email, delivery.status, delivery.error = email, SendOutDelivery.Status.PENDING, ""
        delivery.save(update_fields=["email", "status", "error"])
        reopened += 1
    if send_out.state == SendOut.State.FAILED:
        jobs.retry_failed(send_out)
        return send_out
    if not reopened:
        raise ValidationError(_("Der er ingen modtagere at sende til igen. Ret e-mailadresserne først."))
    send_out.state, send_out.task_id, send_out.queued_at = SendOut.State.QUEUED, jobs.new_task_id(), timezone.now()
    send_out.attempts, send_out.last_error = 0, ""
    send_out.save(update_fields=["state", "task_id", "queued_at", "attempts", "last_error"])
    jobs.dispatch_on_commit(send_out)
    return send_out


def meeting_pack_pdf(
    *, meeting: Meeting, only_items: list[int] | None = None, recipients: list[Recipient] | None = None
) -> bytes:
    """The meeting pack: agenda with recommendations, the list of bilag and the recipients, as PDF.

    ``only_items`` makes a guest's pack: only those agenda items and their bilag, without the
    rest of the agenda or the list of invitees (a guest is invited for one item, not the meeting).
    ``recipients`` is the send-out's list (the same rows as its delivery log); by default the list as
    it stands now.
    """
    from weasyprint import HTML

    items = meeting_agenda(meeting=meeting)
    guest_pack = only_items is not None
    if guest_pack:
        items = [item for item in items if item.pk in set(only_items)]
    elif recipients is None:
        recipients = send_out_recipients(meeting=meeting)
    html = render_to_string(
        "governance/meeting_pack.html",
        {
            "meeting": meeting,
            "items": items,
            "attachments": agenda_attachments(items),
            "recipients": [] if guest_pack else recipients,
            "guest_pack": guest_pack,
            "for_pdf": True,
        },
    )
    return write_tagged_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)).render())


def _person_email(person) -> str:
    return (person.email or (person.user.email if person.user_id else "")).strip()


def _pack_filename(meeting: Meeting) -> str:
    return f"moedepakke-{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{meeting.pk}.pdf"


UNCERTAIN = "uncertain"


def _prepare_deliveries(send_out: SendOut, meeting: Meeting) -> None:
    """First run: fix the recipient list as delivery rows and build the pack from the same list.
    A later run (after a lost worker) keeps both; a row a lost run left ``sending`` may have gone
    out, so it is marked failed with that reason instead of being mailed again."""
    if send_out.deliveries.exists():
        send_out.deliveries.filter(status=SendOutDelivery.Status.SENDING).update(
            status=SendOutDelivery.Status.FAILED,
            error=_(
                "Uvist om e-mailen nåede frem: udsendelsen blev afbrudt, mens den blev sendt. Spørg modtageren, "
                "før du trykker «Prøv igen»."
            ),
        )
        return
    recipients = send_out_recipients(meeting=meeting)
    pdf = meeting_pack_pdf(meeting=meeting, recipients=recipients)
    send_out.pack.save(_pack_filename(meeting), ContentFile(pdf), save=False)
    rows = [
        SendOutDelivery(
            send_out=send_out,
            person_id=recipient.person_id,
            name=recipient.name[:200],
            role=recipient.role[:200],
            kind=recipient.kind,
            email=recipient.email,
            items=list(recipient.items),
            status=SendOutDelivery.Status.PENDING if recipient.email else SendOutDelivery.Status.NO_EMAIL,
        )
        for recipient in recipients
    ]
    with transaction.atomic():
        SendOut.objects.filter(pk=send_out.pk).update(pack=send_out.pack.name)
        SendOutDelivery.objects.bulk_create(rows)


def _mail_deliveries(send_out: SendOut, meeting: Meeting) -> None:
    """Mail every pending recipient once: claim the row, send, record sent / bounced / failed."""
    pending = list(
        send_out.deliveries.filter(status=SendOutDelivery.Status.PENDING).select_related("person").order_by("pk")
    )
    if not pending:
        return
    local = timezone.localtime(meeting.starts_at)
    filename = _pack_filename(meeting)
    url = settings.PORTAL_BASE_URL + reverse("governance:meeting-detail", args=[meeting.pk])
    template = (
        _("Opdateret dagsorden: %(title)s, %(date)s") if send_out.is_resend else _("Dagsorden: %(title)s, %(date)s")
    )
    subject = template % {"title": meeting.title, "date": format_datetime(local)}
    context = {"meeting": meeting, "url": url, "local": local}
    with send_out.pack.open("rb") as handle:
        whole_pack = handle.read()
    guest_packs: dict[tuple[int, ...], bytes] = {}
    connection = get_connection()
    connection.open()  # the mail server is down: nothing claimed yet, the task retries later
    try:
        for delivery in pending:
            items = tuple(delivery.items or ())
            if items and items not in guest_packs:
                guest_packs[items] = meeting_pack_pdf(meeting=meeting, only_items=list(items))
            # Members and observers get their own signed link to answer deltager / afbud; a guest is invited
            # for some items only and does not answer for the meeting.
            answer = answer_url(meeting=meeting, person=delivery.person) if delivery.person_id and not items else ""
            body = render_to_string("governance/email/agenda.txt", {**context, "answer_url": answer})
            message = EmailMessage(subject=subject, body=body, to=[delivery.email], connection=connection)
            message.attach(filename, guest_packs[items] if items else whole_pack, "application/pdf")
            claimed = SendOutDelivery.objects.filter(pk=delivery.pk, status=SendOutDelivery.Status.PENDING).update(
                status=SendOutDelivery.Status.SENDING, attempts=F("attempts") + 1
            )
            if not claimed:
                continue
            try:
                sent = message.send()
            except smtplib.SMTPRecipientsRefused as exc:
                _delivery_done(delivery, SendOutDelivery.Status.BOUNCED, error=_refusal(exc))
                continue
            except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
                # The connection broke: this e-mail may or may not have gone out (never sent twice),
                # the rest waits for the task's retry.
                _delivery_done(delivery, SendOutDelivery.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}")
                raise
            except smtplib.SMTPException as exc:
                _delivery_done(delivery, SendOutDelivery.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}")
                continue
            if sent:
                _delivery_done(delivery, SendOutDelivery.Status.SENT)
            else:
                _delivery_done(delivery, SendOutDelivery.Status.FAILED, error=_("Mailserveren tog ikke imod e-mailen."))
    finally:
        connection.close()


def _refusal(exc: smtplib.SMTPRecipientsRefused) -> str:
    reasons = "; ".join(
        f"{code} {message.decode('utf-8', 'replace') if isinstance(message, bytes) else message}"
        for code, message in exc.recipients.values()
    )
    return _("Modtagerens mailserver afviste adressen (%(reason)s). Ret adressen, og tryk «Prøv igen».") % {
        "reason": reasons
    }


def _delivery_done(delivery: SendOutDelivery, status: str, *, error: str = "") -> None:
    SendOutDelivery.objects.filter(pk=delivery.pk).update(
        status=status, error=error[:2000], sent_at=timezone.now() if status == SendOutDelivery.Status.SENT else None
    )


def send_out_deliver(*, send_out_id: int, task_id: str | None = None, retried: bool = False) -> SendOut | None:
    """The send-out job: fix the recipients, build the pack, e-mail each recipient once.

    Idempotent: only the message the row names may run it (any caller, with ``task_id`` None), and
    each recipient's row is claimed before its e-mail goes out. A database error that passes is
    raised for the task to retry; any other error marks the send-out failed with a reason, returns
    None, and "Send dagsorden" works again. When no e-mail got out the send-out is failed too.
    """
    if not jobs.claim(SendOut, send_out_id, task_id=task_id, retried=retried):
        return None
    send_out = SendOut.objects.select_related("meeting__body__plan").get(pk=send_out_id)
    meeting = send_out.meeting
    try:
        # The pack and the e-mails are Danish whatever language the requesting page used.
        with translation.override(settings.LANGUAGE_CODE):
            _prepare_deliveries(send_out, meeting)
            _mail_deliveries(send_out, meeting)
    except jobs.TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # PDF, storage or SMTP: record it; the secretariat sees it and tries again
        logger.exception("Send-out %s of meeting %s failed", send_out.pk, meeting.pk)
        jobs.mark_failed(SendOut, send_out.pk, error=jobs.failure_reason(exc), task_id=task_id)
        return None
    counts = dict(send_out.deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    with_email = sum(n for status, n in counts.items() if status != SendOutDelivery.Status.NO_EMAIL)
    sent = counts.get(SendOutDelivery.Status.SENT, 0)
    if not sent:
        with translation.override(settings.LANGUAGE_CODE):
            reason = (
                _("Ingen e-mails blev sendt: %(failed)s af %(total)s modtagere fejlede. Se modtagerlisten.")
                % {"failed": with_email, "total": with_email}
                if with_email
                else _("Ingen af de inviterede har en e-mailadresse. Tilføj adresserne, og tryk «Prøv igen».")
            )
        jobs.mark_failed(SendOut, send_out.pk, error=reason, task_id=task_id)
        return None
    now = timezone.now()
    with transaction.atomic():
        if not jobs.finish(SendOut, send_out.pk, task_id=task_id, recipients_count=with_email):
            return None
        SendOut.objects.filter(pk=send_out.pk, sent_at__isnull=True).update(sent_at=now)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == Meeting.Status.PLANNED:
            meeting.status = Meeting.Status.AGENDA_SENT
        if meeting.agenda_sent_at is None:
            meeting.agenda_sent_at = now
        meeting.save(update_fields=["status", "agenda_sent_at"])
    send_out.refresh_from_db()
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
                % {"due": format_date(due_date)}
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
    body_sync_follow_up(body_id=decision.agenda_item.meeting.body_id)
    return action


@transaction.atomic
def action_item_set_status(*, action: ActionItem, status: str, note: str | None = None) -> ActionItem:
    """Follow up an action: open, done or cancelled, with an optional note (history keeps each change)."""
    action.status = status
    if note is not None:
        action.note = note
    action.full_clean()
    action.save()
    body_sync_follow_up(body_id=action.decision.agenda_item.meeting.body_id)
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
            % {"start": format_datetime(meeting.starts_at)}
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
    body_sync_follow_up(body_id=meeting.body_id)  # the next meeting now follows these actions up
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
    body_sync_follow_up(body_id=meeting.body_id)  # the actions now hang on the new version
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


DEADLINE_REMINDER_WORKING_DAYS = 3


def send_out_deadline_reminders(*, today: date | None = None) -> dict[str, int]:
    """Remind the plan's sekretariatsleder(e) of an agenda not sent yet: from 3 working days before the
    send-out deadline ("soon") and from the deadline day ("due"; after the day it says the deadline has
    passed). Each reminder goes out once per meeting, kind and address (a ``SendOutReminder`` row is
    claimed before the e-mail, and a failed e-mail frees it again), so beat may run this often and a
    missed run catches up. A send-out that is queued or running counts as on its way."""
    today = today or timezone.localdate()
    horizon = timezone.now() + timedelta(days=40)  # deadlines more than 3 working days away need nothing yet
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            agenda_sent_at__isnull=True,
            starts_at__gte=timezone.now(),
            starts_at__lte=horizon,
        )
        .exclude(send_outs__state__in=jobs.ACTIVE_STATES)
        .select_related("body__plan")
        .order_by("starts_at", "pk")
    )
    due: list[tuple[Meeting, str]] = []
    for meeting in meetings:
        deadline = meeting.send_deadline
        if today >= deadline:
            due.append((meeting, SendOutReminder.Kind.DUE))
        elif today >= working_days_before(deadline, DEADLINE_REMINDER_WORKING_DAYS):
            due.append((meeting, SendOutReminder.Kind.SOON))
    if not due:
        return {"soon": 0, "due": 0}
    secretariat_ids = {meeting.body.plan.secretariat_id for meeting, _kind in due}
    leads: dict[int, list[str]] = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(
        role=Role.SECRETARIAT_LEAD, secretariat_id__in=secretariat_ids, user__is_active=True
    ).select_related("user"):
        if assignment.user.email:
            leads[assignment.secretariat_id].append(assignment.user.email.lower())
    sent = {"soon": 0, "due": 0}
    base = settings.PORTAL_BASE_URL
    with translation.override(settings.LANGUAGE_CODE):
        for meeting, kind in due:
            deadline = meeting.send_deadline
            context = {
                "meeting": meeting,
                "deadline": deadline,
                "kind": kind,
                "late": today > deadline,
                "url": base + reverse("governance:meeting-detail", args=[meeting.pk]),
            }
            if kind == SendOutReminder.Kind.SOON:
                subject = _("Påmindelse: send dagsordenen til %(title)s senest %(deadline)s")
            elif today == deadline:
                subject = _("Fristen er i dag: send dagsordenen til %(title)s")
            else:
                subject = _("Fristen er overskredet: dagsordenen til %(title)s skulle være sendt %(deadline)s")
            subject = subject % {"title": meeting.title, "deadline": format_date(deadline)}
            body = render_to_string("governance/email/send_out_deadline.txt", context)
            for email in sorted(set(leads.get(meeting.body.plan.secretariat_id, []))):
                with transaction.atomic():
                    _row, created = SendOutReminder.objects.get_or_create(meeting=meeting, kind=kind, email=email)
                    if not created:
                        continue
                    EmailMessage(subject=subject, body=body, to=[email]).send()
                sent[kind] += 1
    return sent
