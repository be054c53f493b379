"""Attendance at a meeting: each invitee's answer beforehand (deltager / afbud) and, at the meeting,
whether they were present. Minutes show both, and whether the body was quorate."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.meetings.models import Meeting
from plans.models import Person


class Attendance(models.Model):
    """One invitee of one meeting: their answer and the secretariat's record of presence."""

    class Answer(models.TextChoices):
        ATTENDING = "attending", _("Deltager")
        ABSENT = "absent", _("Afbud")

    class Via(models.TextChoices):
        PORTAL = "portal", _("Portalen")
        LINK = "link", _("Link i e-mailen")
        SECRETARIAT = "secretariat", _("Sekretariatet")

    class Presence(models.TextChoices):
        PRESENT = "present", _("Til stede")
        ABSENT = "absent", _("Fraværende")

    meeting = models.ForeignKey(Meeting, verbose_name=_("møde"), on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="attendances")
    answer = models.CharField(_("svar"), max_length=20, choices=Answer.choices, blank=True)
    answer_note = models.CharField(_("bemærkning til svaret"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("svaret"), null=True, blank=True)
    answered_via = models.CharField(_("svaret via"), max_length=20, choices=Via.choices, blank=True)
    presence = models.CharField(_("fremmøde"), max_length=20, choices=Presence.choices, blank=True)
    recorded_at = models.DateTimeField(_("fremmøde registreret"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltagelse")
        verbose_name_plural = _("deltagelser")
        ordering = ["meeting", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person} – {self.meeting}"

    def clean(self) -> None:
        if self.answer_note and not self.answer:
            raise ValidationError({"answer_note": _("En bemærkning hører til et svar.")})
        if self.presence and self.meeting_id and timezone.localdate() < self.meeting.meeting_day:
            raise ValidationError({"presence": _("Fremmøde registreres på mødedagen eller senere.")})
