"""Forms for the LBF year: an obligation's state and file, a plan's own deadline."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plans.files import check_document
from plans.models import Person

from .models import Obligation, ObligationDeadline, ObligationKind


class ObligationForm(forms.Form):
    state = forms.ChoiceField(label=_("Status"), choices=Obligation.State.choices)
    responsible = forms.ModelChoiceField(label=_("Ansvarlig"), queryset=Person.objects.none(), required=False)
    submitted_on = forms.DateField(
        label=_("Indsendt den"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tom: i dag, når status er «Indsendt»."),
    )
    file = forms.FileField(
        label=_("Indsendt fil"),
        required=False,
        help_text=_("PDF, DOCX eller XLSX, højst 20 MB (indholdet kontrolleres)."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # People of the kommune, its forvaltninger and the plan's boligorganisationer (a local partner's
        # people may serve other kommuners' plans: not offered).
        self.fields["responsible"].queryset = Person.objects.filter(
            Q(organisation=plan.municipality_id)
            | Q(organisation__parent=plan.municipality_id)
            | Q(organisation__in=plan.housing_organisations.all())
        ).order_by("name")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.checked_file = check_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("submitted_on") and cleaned.get("state") != Obligation.State.SUBMITTED:
            raise ValidationError(_("Kun en indsendt forpligtelse har en indsendelsesdato."))
        return cleaned


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = ObligationDeadline
        fields = ["kind", "sequence", "day", "month", "years_after", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ObligationKind.choices
        self.fields["sequence"].widget = forms.Select(choices=[(1, "1"), (2, "2")])
