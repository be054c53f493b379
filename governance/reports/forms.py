"""The form for ordering a status report: period, kind and audience, or a meeting (and its data cut-off)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.formatting import format_date
from common.periods import Quarter
from governance.bodies.models import Body
from governance.meetings.models import Meeting
from governance.reports.models import StatusReport
from plans import access
from plans.models import Plan


def report_period_choices(plan: Plan, today=None) -> list[tuple[str, str]]:
    """The quarters a report can be made for: from the plan's start up to the current quarter, newest first."""
    today = today or timezone.localdate()
    last = min(Quarter.containing(today), Quarter.containing(plan.end_date))
    quarter, choices = Quarter.containing(plan.start_date), []
    while quarter <= last:
        choices.append((quarter.code, quarter.label))
        quarter = quarter.next()
    return list(reversed(choices))


def default_report_period(plan: Plan, today=None) -> str | None:
    """The quarter just ended (what the board reads next), if the plan ran in it; else the newest choice."""
    today = today or timezone.localdate()
    choices = [code for code, _label in report_period_choices(plan, today)]
    previous = Quarter.containing(today).previous().code
    if previous in choices:
        return previous
    return choices[0] if choices else None


BOARD_AUDIENCE = "board"


GROUP_AUDIENCE_PREFIX = "group-"


class StatusReportRequestForm(forms.Form):
    """Order a pixi or full report for one of the plan's quarters, for the board or one of its steering groups."""

    kind = forms.ChoiceField(label=_("Rapporttype"), choices=StatusReport.Kind.choices)
    period = forms.ChoiceField(
        label=_("Kvartal"), required=False, help_text=_("Uden valg: det seneste afsluttede kvartal.")
    )
    audience = forms.ChoiceField(
        label=_("Rapporten er til"),
        required=False,
        help_text=_("En styregruppes rapport indeholder kun gruppens delaftaler, møder og beslutninger."),
    )
    meeting = forms.ChoiceField(
        label=_("Til mødet"),
        required=False,
        help_text=_(
            "Valgfrit. En rapport til et møde er til mødets organ og medtager data godkendt senest på "
            "dataskæringsdatoen; kvartalet bliver det seneste afsluttede kvartal på den dag."
        ),
    )
    data_cutoff = forms.DateField(
        label=_("Dataskæringsdato"),
        required=False,
        help_text=_("Kun for en rapport til et møde. Uden valg: mødets udsendelsesfrist (10 arbejdsdage før)."),
    )

    # Meetings one can order a report for: from a month back (a report made just after a meeting) onwards.
    MEETINGS_FROM_DAYS_AGO = 31

    def __init__(self, *args, plan: Plan, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        meetings = Meeting.objects if user is None else access.visible(user, Meeting)
        self.meetings = {
            str(meeting.pk): meeting
            for meeting in meetings.filter(
                body__plan=plan, starts_at__gte=timezone.now() - timedelta(days=self.MEETINGS_FROM_DAYS_AGO)
            )
            .select_related("body")
            .order_by("starts_at", "pk")
        }
        self.fields["meeting"].choices = [
            ("", _("Intet møde: kvartalsrapport")),
            *(
                (
                    value,
                    _("%(date)s: %(title)s (%(body)s)")
                    % {
                        "date": format_date(m.starts_at),
                        "title": m.title,
                        "body": m.body.name,
                    },
                )
                for value, m in self.meetings.items()
            ),
        ]
        self.fields["period"].choices = report_period_choices(plan)
        self.fields["period"].initial = default_report_period(plan)
        self.groups = {
            f"{GROUP_AUDIENCE_PREFIX}{body.pk}": body
            for body in Body.objects.filter(plan=plan, kind__in=Body.GROUP_KINDS).order_by("name")
        }
        self.fields["audience"].choices = [
            (BOARD_AUDIENCE, _("Bestyrelsen")),
            *((value, _("Styregruppen %(name)s") % {"name": body.name}) for value, body in self.groups.items()),
        ]
        self.fields["audience"].initial = BOARD_AUDIENCE

    def clean_audience(self) -> tuple[str, Body | None]:
        """(audience, steering group): the board when nothing is chosen."""
        value = self.cleaned_data.get("audience") or BOARD_AUDIENCE
        if value == BOARD_AUDIENCE:
            return StatusReport.Audience.BOARD, None
        return StatusReport.Audience.STEERING_GROUP, self.groups[value]

    def clean_meeting(self) -> Meeting | None:
        value = self.cleaned_data.get("meeting") or ""
        return self.meetings[value] if value else None

    def clean(self):
        cleaned = super().clean()
        meeting, cutoff = cleaned.get("meeting"), cleaned.get("data_cutoff")
        if cutoff and not meeting:
            self.add_error("data_cutoff", _("En dataskæringsdato kræver, at du vælger et møde."))
        elif meeting and cutoff and cutoff > timezone.localtime(meeting.starts_at).date():
            self.add_error("data_cutoff", _("Dataskæringsdatoen kan ikke ligge efter mødet."))
        elif meeting and cutoff and cutoff > timezone.localdate():
            self.add_error("data_cutoff", _("Dataskæringsdatoen kan ikke ligge i fremtiden."))
        return cleaned

    def clean_period(self) -> str:
        period = self.cleaned_data.get("period") or default_report_period(self.plan)
        if not period:
            raise forms.ValidationError(_("Planen har endnu ingen kvartaler at rapportere om."))
        return period
