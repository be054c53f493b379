"""Forms for meetings, agenda items, bilag, minutes and the decision register (Danish labels)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.formatting import format_date
from common.forms import PortalFormMixin
from common.workdays import holiday_name
from governance.bodies.models import Body
from governance.meetings.models import ActionItem, AgendaItem, Meeting
from governance.meetings.uploads import ALLOWED_LABEL
from monitoring.models import Goal
from plans.models import Intervention, Person, Plan


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

    confirm_holiday = forms.BooleanField(required=False, label=_("Ja, mødet skal holdes på helligdagen"))

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = Body.objects.filter(plan=plan).order_by("kind", "name")
        self.fields["body"].queryset = bodies
        self.fields["invited_bodies"].queryset = bodies
        if self._posted_holiday() is None:
            del self.fields["confirm_holiday"]  # asked only when the posted date is a holiday

    def _posted_holiday(self) -> str | None:
        if not self.is_bound:
            return None
        try:
            starts_at = self.fields["starts_at"].clean(self.data.get(self.add_prefix("starts_at")))
        except forms.ValidationError:
            return None
        return holiday_name(timezone.localtime(starts_at).date()) if starts_at else None

    def clean(self):
        """A meeting on a Danish public holiday is a warning: saved only once the secretariat confirms it."""
        data = super().clean()
        starts_at = data.get("starts_at")
        name = holiday_name(timezone.localtime(starts_at).date()) if starts_at else None
        if name and not data.get("confirm_holiday"):
            self.add_error(
                "starts_at",
                _(
                    "%(date)s er en helligdag (%(holiday)s). Vælg en anden dag, "
                    "eller bekræft nedenfor, at mødet skal holdes den dag."
                )
                % {"date": format_date(starts_at), "holiday": name},
            )
        data.pop("confirm_holiday", None)
        return data


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
    due_date_reason = forms.CharField(
        required=False,
        label=_("Begrundelse, hvis fristen ligger før i dag"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

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
