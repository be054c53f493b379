"""Meetings and what they decide: meetings, agendas, guests, bilag, minutes, decisions, action items,
agenda send-outs, reminder logs and calendar tokens.

Meetings carry an ordered agenda; decision items get the secretariat's recommendation and, in the
minutes, a ``Decision``. Once the minutes are approved a decision is locked: a correction is a new
version with a reason, and the old version stays (domain rule 3).
"""

import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.formatting import format_date
from common.jobs import Job
from common.workdays import send_out_deadline
from governance.bodies.models import Body
from governance.meetings.uploads import extension_for
from monitoring.models import Goal
from plans.models import Intervention, Person, Plan, SubAgreement


class Meeting(models.Model):
    """A meeting of a body: bestyrelsesmøde, styregruppemøde, fællesmøde or formøde."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Ordinært møde")
        JOINT = "joint", _("Fællesmøde (bestyrelse og styregrupper)")
        PRE_MEETING = "pre_meeting", _("Formøde / tværforvaltningsgruppe")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        AGENDA_SENT = "agenda_sent", _("Dagsorden udsendt")
        HELD = "held", _("Afholdt, referat under udarbejdelse")
        MINUTES_APPROVED = "minutes_approved", _("Referat godkendt")

    body = models.ForeignKey(Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("mødetype"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    invited_bodies = models.ManyToManyField(
        Body,
        verbose_name=_("inviterede organer"),
        related_name="joint_meetings",
        blank=True,
        help_text=_("Ved fællesmøder: de øvrige organer, hvis medlemmer også er inviteret."),
    )
    title = models.CharField(_("titel"), max_length=200)
    starts_at = models.DateTimeField(_("starttidspunkt"))
    ends_at = models.DateTimeField(_("sluttidspunkt"))
    location = models.CharField(_("sted"), max_length=200, blank=True)
    video_link = models.URLField(_("videolink"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    agenda_sent_at = models.DateTimeField(_("dagsorden udsendt"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[invited_bodies])

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({format_date(self.starts_at)})"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Mødet skal slutte efter det starter.")})
        if not self.location.strip() and not self.video_link.strip():
            raise ValidationError({"location": _("Angiv et mødested eller et videolink.")})

    @property
    def plan(self) -> Plan:
        return self.body.plan

    @property
    def meeting_day(self):
        return timezone.localtime(self.starts_at).date()

    @property
    def send_deadline(self):
        """10 Danish working days before the meeting day (derived, never stored)."""
        return send_out_deadline(self.meeting_day)

    @property
    def is_minutes_approved(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED

    @property
    def agenda_is_open(self) -> bool:
        """Items can be added and changed until the minutes are approved."""
        return not self.is_minutes_approved

    def send_out_state(self, today=None) -> str:
        """``sent``, ``sent_late``, ``open``, ``due_today`` or ``late`` (for the warning)."""
        today = today or timezone.localdate()
        deadline = self.send_deadline
        if self.agenda_sent_at:
            return "sent_late" if timezone.localtime(self.agenda_sent_at).date() > deadline else "sent"
        if today > deadline:
            return "late"
        return "due_today" if today == deadline else "open"


class AgendaItem(models.Model):
    """A dagsordenspunkt: beslutning, drøftelse or orientering, in the meeting's order."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Beslutning")
        DISCUSSION = "discussion", _("Drøftelse")
        INFORMATION = "information", _("Orientering")

    meeting = models.ForeignKey(Meeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    description = models.TextField(_("sagsfremstilling"), blank=True)
    recommendation = models.TextField(
        _("indstilling"),
        blank=True,
        help_text=_("Sekretariatets indstilling. Skal udfyldes ved beslutningspunkter."),
    )
    presenter = models.ForeignKey(
        Person,
        verbose_name=_("ansvarlig / fremlægger"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presented_items",
    )
    sub_agreements = models.ManyToManyField(
        SubAgreement, verbose_name=_("delaftaler"), related_name="agenda_items", blank=True
    )
    interventions = models.ManyToManyField(
        Intervention, verbose_name=_("indsatser"), related_name="agenda_items", blank=True
    )
    goals = models.ManyToManyField(
        Goal,
        verbose_name=_("mål"),
        related_name="agenda_items",
        blank=True,
        help_text=_("De mål i planens målstyring, punktet vedrører; beslutninger på punktet registreres mod dem."),
    )
    question_key = models.CharField(
        _("spørgsmål fra pixi-rapport"),
        max_length=60,
        blank=True,
        default="",
        editable=False,
        help_text=_("Sat når punktet er oprettet fra et spørgsmål til bestyrelsen i en pixi-rapport."),
    )
    is_follow_up = models.BooleanField(
        _("opfølgningspunkt"),
        default=False,
        help_text=_("Oprettes automatisk med organets åbne handlingspunkter."),
    )
    carried_actions = models.ManyToManyField(
        "ActionItem", verbose_name=_("åbne handlingspunkter"), related_name="follow_up_items", blank=True
    )
    history = HistoricalRecords(m2m_fields=[sub_agreements, interventions, goals])

    class Meta:
        verbose_name = _("dagsordenspunkt")
        verbose_name_plural = _("dagsordenspunkter")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_unique_position"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(is_follow_up=True),
                name="agenda_item_one_follow_up_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "question_key"],
                condition=~Q(question_key=""),
                name="agenda_item_one_item_per_board_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def clean(self) -> None:
        if self.kind == self.Kind.DECISION and not self.is_follow_up and not self.recommendation.strip():
            raise ValidationError({"recommendation": _("Et beslutningspunkt skal have en indstilling.")})

    def validate_links(self, *, sub_agreements, interventions, goals=()) -> None:
        """Linked delaftaler, indsatser and mål must belong to the meeting's plan."""
        plan_id = self.meeting.body.plan_id
        if any(goal.plan_id != plan_id for goal in goals):
            raise ValidationError({"goals": _("Målene skal høre til mødets helhedsplan.")})
        if any(sa.plan_id != plan_id for sa in sub_agreements):
            raise ValidationError({"sub_agreements": _("Delaftalerne skal høre til mødets helhedsplan.")})
        if any(i.sub_agreement.plan_id != plan_id for i in interventions):
            raise ValidationError({"interventions": _("Indsatserne skal høre til mødets helhedsplan.")})


class Guest(models.Model):
    """A gæst invited to the meeting for one agenda item."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("dagsordenspunkt"), on_delete=models.CASCADE, related_name="guests"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="guest_invites")

    class Meta:
        verbose_name = _("gæst")
        verbose_name_plural = _("gæster")
        constraints = [models.UniqueConstraint(fields=["agenda_item", "person"], name="guest_unique_per_item")]

    def __str__(self) -> str:
        return f"{self.person} ({self.agenda_item})"


def attachment_path(instance, filename: str) -> str:
    """A random name under bilag/ with the extension of the sniffed type; the original name is kept
    in the row, never used on disk."""
    return f"bilag/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension_for(instance.content_type)}"


class Attachment(models.Model):
    """A bilag to an agenda item: stored under MEDIA_ROOT, served only by an access-checked view."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("dagsordenspunkt"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("filtype"), max_length=120)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploadet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploadet"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["agenda_item", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Minutes(models.Model):
    """Et referat: version 1 is the approved minutes; each later version is a correction with a reason."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="minutes")
    version = models.PositiveIntegerField(_("version"))
    approved_at = models.DateTimeField(_("godkendt"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkendt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    correction_reason = models.TextField(_("begrundelse for rettelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")
        ordering = ["meeting", "-version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="minutes_unique_version")]

    def __str__(self) -> str:
        return f"{_('Referat')} {self.meeting} v{self.version}"

    def clean(self) -> None:
        if self.version and self.version > 1 and not self.correction_reason.strip():
            raise ValidationError({"correction_reason": _("En rettelse skal have en begrundelse.")})


class MinutesItem(models.Model):
    """What was discussed under one agenda item (the referat's text per item)."""

    agenda_item = models.OneToOneField(
        AgendaItem, verbose_name=_("dagsordenspunkt"), on_delete=models.CASCADE, related_name="minutes_item"
    )
    discussion = models.TextField(_("drøftelse"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referatpunkt")
        verbose_name_plural = _("referatpunkter")

    def __str__(self) -> str:
        return str(self.agenda_item)


class Decision(models.Model):
    """A beslutning on a decision item. Locked when the minutes are approved; corrections are new versions."""

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("dagsordenspunkt"), on_delete=models.CASCADE, related_name="decisions"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("gældende version"), default=True)
    text = models.TextField(_("beslutning"))
    correction_reason = models.TextField(_("begrundelse for rettelse"), blank=True)
    locked_at = models.DateTimeField(_("låst"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oprettet af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        ordering = ["agenda_item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "version"], name="decision_unique_version"),
            models.UniqueConstraint(
                fields=["agenda_item"], condition=Q(is_current=True), name="decision_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item.title} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def clean(self) -> None:
        if not self.text.strip():
            raise ValidationError({"text": _("Skriv beslutningen.")})
        if self.version > 1 and not self.correction_reason.strip():
            raise ValidationError({"correction_reason": _("En rettelse skal have en begrundelse.")})
        if self.pk:
            stored = (
                Decision.objects.filter(pk=self.pk).values("locked_at", "text", "version", "agenda_item_id").first()
            )
            if (
                stored
                and stored["locked_at"] is not None
                and (
                    stored["text"] != self.text
                    or stored["version"] != self.version
                    or stored["agenda_item_id"] != self.agenda_item_id
                )
            ):
                raise ValidationError(
                    _("Beslutningen er låst, fordi referatet er godkendt. Ret den med en ny version og en begrundelse.")
                )


class ActionItem(models.Model):
    """Et handlingspunkt from a decision: owner, due date and status; the sekretariatsleder follows it up."""

    class Status(models.TextChoices):
        OPEN = "open", _("Åben")
        DONE = "done", _("Udført")
        CANCELLED = "cancelled", _("Annulleret")

    decision = models.ForeignKey(
        Decision, verbose_name=_("beslutning"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("handling"), max_length=300)
    owner = models.ForeignKey(Person, verbose_name=_("ansvarlig"), on_delete=models.PROTECT, related_name="actions")
    due_date = models.DateField(_("frist"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)
    due_date_reason = models.TextField(
        _("begrundelse for frist før oprettelsen"),
        blank=True,
        help_text=_("Kræves, når fristen allerede var overskredet, da handlingspunktet blev oprettet."),
    )
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handlingspunkt")
        verbose_name_plural = _("handlingspunkter")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.due_date < (today or timezone.localdate())


class SendOut(Job):
    """One send-out of a meeting's agenda pack (a job); a second send needs ``is_resend``.

    Its deliveries (one row per recipient, made before anything is mailed) are the log of who got
    the pack and what makes a re-run never mail anyone twice.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Sendes")
        DONE = "done", _("Sendt")
        FAILED = "failed", _("Fejlet")

    meeting = models.ForeignKey(Meeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="send_outs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestilt af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("bestilt"), default=timezone.now)
    is_resend = models.BooleanField(_("genudsendelse"), default=False)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(
        _("antal modtagere"), default=0, help_text=_("Modtagere med e-mail, som mødepakken er sendt til.")
    )
    pack = models.FileField(_("mødepakke (PDF)"), upload_to="moedepakker/%Y/", blank=True, max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("udsendelse")
        verbose_name_plural = _("udsendelser")
        ordering = ["meeting", "-requested_at"]
        indexes = [models.Index(fields=["state", "queued_at"], name="sendout_state_queued")]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.get_state_display()}"


class SendOutDelivery(models.Model):
    """One recipient of a send-out: who, which address, which pack, and what happened to the e-mail.

    Made for every invitee before anything is mailed (people without an e-mail address too, so the
    pack's list and the log agree); a row is claimed (``sending``) before its e-mail goes out, so a
    re-run of the job never mails anyone twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        BOUNCED = "bounced", _("Afvist af modtagerens mailserver")
        FAILED = "failed", _("Fejlet")
        NO_EMAIL = "no_email", _("Ingen e-mail")

    class Kind(models.TextChoices):
        MEMBER = "member", _("Medlem")
        OBSERVER = "observer", _("Observatør")
        GUEST = "guest", _("Gæst")

    RETRYABLE = (Status.FAILED, Status.BOUNCED)

    send_out = models.ForeignKey(
        SendOut, verbose_name=_("udsendelse"), on_delete=models.CASCADE, related_name="deliveries"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("navn"), max_length=200)
    role = models.CharField(_("rolle"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    email = models.EmailField(_("e-mail"), blank=True)
    items = models.JSONField(
        _("punkter"), default=list, blank=True, help_text=_("For en gæst: de punkter, gæstens pakke indeholder.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    error = models.TextField(_("fejl"), blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("modtager af udsendelse")
        verbose_name_plural = _("modtagere af udsendelse")
        ordering = ["send_out", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["send_out", "email"], condition=~Q(email=""), name="sendout_delivery_one_per_address"
            ),
            models.CheckConstraint(
                condition=Q(email="", status="no_email") | (~Q(email="") & ~Q(status="no_email")),
                name="sendout_delivery_no_email_iff_blank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email or '-'}>: {self.get_status_display()}"


class SendOutReminder(models.Model):
    """A send-out deadline reminder to a sekretariatsleder: once per meeting, kind and address."""

    class Kind(models.TextChoices):
        SOON = "soon", _("3 arbejdsdage før fristen")
        DUE = "due", _("På fristens dag")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="send_out_reminders"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    email = models.EmailField(_("e-mail"))
    sent_at = models.DateTimeField(_("sendt"), default=timezone.now)

    class Meta:
        verbose_name = _("påmindelse om udsendelsesfrist")
        verbose_name_plural = _("påmindelser om udsendelsesfrist")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "email"], name="sendout_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.kind} {self.email}"


class ReminderLog(models.Model):
    """What the daily overdue-action reminder sent, so a day's reminders go out only once per recipient."""

    class Kind(models.TextChoices):
        OWNER = "owner", _("Ansvarlig")
        SUMMARY = "summary", _("Oversigt til sekretariatsleder")

    day = models.DateField(_("dag"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    email = models.EmailField(_("e-mail"))
    actions_count = models.PositiveIntegerField(_("antal handlingspunkter"))
    sent_at = models.DateTimeField(_("sendt"), default=timezone.now)

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        ordering = ["-day", "email"]
        constraints = [models.UniqueConstraint(fields=["day", "kind", "email"], name="reminder_once_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.email}"


CALENDAR_TOKEN_HINT_LENGTH = 6


def hash_calendar_token(secret: str) -> str:
    """The stored form of a feed secret: sha256 hex (as for API tokens). The secret is never stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class CalendarTokenQuerySet(models.QuerySet):
    def find_active(self, secret: str) -> "CalendarToken | None":
        """The active token whose secret this is, or None.

        Looked up by the secret's hash (an indexed equality on a value the caller cannot steer
        towards a stored one), then compared again with ``hmac.compare_digest``.
        """
        digest = hash_calendar_token(secret)
        token = self.select_related("user").filter(token_hash=digest, revoked_at__isnull=True).first()
        if token is None or not hmac.compare_digest(token.token_hash, digest):
            return None
        return token


class CalendarToken(models.Model):
    """A secret token for a user's iCal feed of meetings; revoking it kills the URL.

    Only the sha256 of the secret and its first characters (to recognise it) are stored: the
    feed URL is shown once, when it is created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    token_hash = models.CharField(_("nøglens hash"), max_length=64, unique=True, editable=False)
    token_hint = models.CharField(_("nøglens begyndelse"), max_length=CALENDAR_TOKEN_HINT_LENGTH, editable=False)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    objects = CalendarTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("kalendernøgle")
        verbose_name_plural = _("kalendernøgler")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({'tilbagekaldt' if self.revoked_at else 'aktiv'})"

    @staticmethod
    def generate_secret() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
