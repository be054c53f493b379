"""Forms for drafting and approving agreement versions and adjusting indsatser (Danish labels)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.formatting import format_date
from common.forms import PortalFormMixin
from governance.meetings.models import Decision
from plans.models import Intervention, Organisation, Plan


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def decision_label(decision: Decision) -> str:
    item = decision.agenda_item
    return f"{format_date(item.meeting.meeting_day)} · {item.meeting.title} · {item.position}. {item.title}"


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Decision) -> str:
        return decision_label(obj)


class AgreementDraftForm(PortalFormMixin, forms.Form):
    title = forms.CharField(max_length=200, label=_("Titel"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        label=_("Aftaletekst"),
        help_text=_("Hele aftalens tekst, som den skal lyde efter ændringen. Et tomt linjeskift adskiller afsnit."),
    )
    parties = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Parter")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Begrundelse for ændringen"),
        help_text=_("Hvad ændres, og hvorfor? Begrundelsen følger versionen til bestyrelsen."),
    )

    def __init__(self, *args, plan: Plan, with_parties: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_parties:
            self.fields["parties"].queryset = plan.parties().order_by("name")
        else:
            del self.fields["parties"]


class AgreementApproveForm(PortalFormMixin, forms.Form):
    decision = DecisionChoiceField(
        queryset=Decision.objects.none(),
        label=_("Bestyrelsens beslutning"),
        empty_label=_("Vælg beslutning"),
        help_text=_("Beslutningen på bestyrelsesmødet, der godkendte ændringen. Kun afholdte møder kan vælges."),
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(pk__in=[d.pk for d in decisions]).select_related(
            "agenda_item__meeting"
        )


class LbfApprovalForm(PortalFormMixin, forms.Form):
    approved_on = forms.DateField(label=_("Godkendt af LBF den"), widget=DateInput())


class InterventionAdjustForm(PortalFormMixin, forms.Form):
    name = forms.CharField(max_length=200, label=_("Navn"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), label=_("Beskrivelse"))
    responsible_partner = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Ansvarlig partner"))
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Samarbejdspartnere"),
    )
    status = forms.ChoiceField(choices=Intervention.Status.choices, label=_("Status"))
    start_date = forms.DateField(required=False, label=_("Startdato"), widget=DateInput())
    end_date = forms.DateField(required=False, label=_("Slutdato"), widget=DateInput())
    budget = forms.DecimalField(
        required=False, min_value=0, max_digits=14, decimal_places=2, label=_("Budget for perioden (kr.)")
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Begrundelse"),
        help_text=_("Hvorfor justeres indsatsen? Gemmes i indsatsens historik."),
    )
    decision = DecisionChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label=_("Bestyrelsens beslutning"),
        empty_label=_("Ingen (sekretariatets justering)"),
    )

    def __init__(self, *args, plan: Plan, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        parties = plan.parties().order_by("name")
        self.fields["responsible_partner"].queryset = parties
        self.fields["partners"].queryset = parties
        self.fields["decision"].queryset = Decision.objects.filter(pk__in=[d.pk for d in decisions]).select_related(
            "agenda_item__meeting"
        )

    @staticmethod
    def initial_for(intervention: Intervention) -> dict:
        return {
            "name": intervention.name,
            "description": intervention.description,
            "responsible_partner": intervention.responsible_partner,
            "partners": list(intervention.partners.all()),
            "status": intervention.status,
            "start_date": intervention.start_date,
            "end_date": intervention.end_date,
            "budget": intervention.budget,
        }
