"""Forms for meetings, agenda items, bilag, minutes and the decision register (Danish labels)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.models import Goal
from plans.form_style import style_fields
from plans.models import Intervention, Person, Plan

from .models import ActionItem, AgendaItem, Body, Meeting, StatusReport
from .periods import Quarter
from .uploads import ALLOWED_LABEL


class PortalFormMixin:
    """DKFDS classes on the widgets and Danish error messages that say how to fix the field
    (``plans.form_style``); templates render the form with ``forms/fields.html``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class MeetingForm(PortalFormMixin, forms.Form):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label=_("Organ"))
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, label=_("Mødetype"))
    title = forms.CharField(max_length=200, label=_("Titel"))
    starts_at = forms.DateTimeField(label=_("Starter"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=_("Slutter"), widget=DateTimeLocalInput())
    location = forms.CharField(max_length=200, required=False, label=_("Sted"))
    video_link = forms.URLField(required=False, label=_("Videolink"), assume_scheme="https")
    invited_bodies = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Inviterede organer (fællesmøde)"),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.filter(plan=plan).order_by("kind", "name")
        self.fields["body"].queryset = bodies
        self.fields["invited_bodies"].queryset = bodies


class AgendaItemForm(PortalFormMixin, forms.Form):
    title = forms.CharField(max_length=200, label=_("Titel"))
    kind = forms.ChoiceField(choices=AgendaItem.Kind.choices, label=_("Type"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Sagsfremstilling"))
    recommendation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Indstilling"),
        help_text=_("Skal udfyldes ved beslutningspunkter."),
    )
    presenter = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label=_("Fremlægger"))
    sub_agreements = forms.ModelMultipleChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Delaftaler"),
    )
    interventions = forms.ModelMultipleChoiceField(
        queryset=Intervention.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Indsatser"),
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Mål"),
        help_text=_("De mål i planens målstyring, punktet vedrører."),
    )
    guests = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        label=_("Gæster til punktet"),
    )

    def __init__(self, *args, plan: Plan, people, sub_agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = plan_goal_choices(plan=plan)
        self.fields["goals"].label_from_instance = goal_choice_label
        self.fields["presenter"].queryset = people
        self.fields["guests"].queryset = people
        self.fields["sub_agreements"].queryset = sub_agreements
        self.fields["interventions"].queryset = Intervention.objects.filter(sub_agreement__in=sub_agreements).order_by(
            "sub_agreement__title", "name"
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == AgendaItem.Kind.DECISION and not (data.get("recommendation") or "").strip():
            self.add_error("recommendation", _("Et beslutningspunkt skal have en indstilling."))
        return data


def plan_goal_choices(*, plan: Plan):
    """The plan's goals only: strategic goals first, then delmål by delaftale."""
    return (
        Goal.objects.filter(plan=plan)
        .select_related("sub_agreement")
        .order_by("level", "sub_agreement__title", "position", "title")
    )


def goal_choice_label(goal: Goal) -> str:
    if goal.level == Goal.Level.SUB and goal.sub_agreement_id:
        return _("%(title)s (delmål, %(sub_agreement)s)") % {"title": goal.title, "sub_agreement": goal.sub_agreement}
    return _("%(title)s (strategisk mål)") % {"title": goal.title}


class AttachmentForm(PortalFormMixin, forms.Form):
    file = forms.FileField(label=_("Bilag"), help_text=_("%(types)s, højst 20 MB.") % {"types": ALLOWED_LABEL})


class SendOutForm(PortalFormMixin, forms.Form):
    resend = forms.BooleanField(required=False, label=_("Send igen til alle (genudsendelse)"))


class ActionItemForm(PortalFormMixin, forms.Form):
    title = forms.CharField(max_length=300, label=_("Handling"))
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Ansvarlig"))
    due_date = forms.DateField(label=_("Frist"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class ActionStatusForm(PortalFormMixin, forms.Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices, label=_("Status"))
    note = forms.CharField(required=False, label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(PortalFormMixin, forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("Rettet beslutning"))
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Begrundelse for rettelsen"))


ACTION_STATUS_FILTER = [
    ("", _("Alle")),
    ("open", _("Med åbne handlingspunkter")),
    ("overdue", _("Med overskredne handlingspunkter")),
    ("done", _("Med udførte handlingspunkter")),
    ("cancelled", _("Med annullerede handlingspunkter")),
    ("none", _("Uden handlingspunkter")),
]


class RegisterFilterForm(PortalFormMixin, forms.Form):
    q = forms.CharField(required=False, label=_("Søg"))
    body = forms.ModelChoiceField(queryset=Body.objects.none(), required=False, label=_("Organ"))
    sub_agreement = forms.ModelChoiceField(queryset=Plan.objects.none(), required=False, label=_("Delaftale"))
    goal = forms.ModelChoiceField(queryset=Goal.objects.none(), required=False, label=_("Mål"))
    date_from = forms.DateField(required=False, label=_("Fra dato"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Til dato"), widget=forms.DateInput(attrs={"type": "date"}))
    action_status = forms.ChoiceField(choices=ACTION_STATUS_FILTER, required=False, label=_("Handlingspunkter"))

    def __init__(self, *args, plan: Plan, sub_agreements, goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(plan=plan).order_by("kind", "name")
        self.fields["sub_agreement"].queryset = sub_agreements
        self.fields["goal"].queryset = goals if goals is not None else plan_goal_choices(plan=plan)
        self.fields["goal"].label_from_instance = goal_choice_label


# --- Status reports (pixi and full) ------------------------------------------------------------


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

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
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

    def clean_period(self) -> str:
        period = self.cleaned_data.get("period") or default_report_period(self.plan)
        if not period:
            raise forms.ValidationError(_("Planen har endnu ingen kvartaler at rapportere om."))
        return period
