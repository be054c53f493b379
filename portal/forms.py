"""Forms for the portal's own pages."""

from datetime import datetime, time
from decimal import Decimal

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.form_style import style_fields
from common.forms import PortalFormMixin
from plans.models import Commitment


class LoginForm(PortalFormMixin, AuthenticationForm):
    """The login form, rendered like every portal form (``forms/fields.html``: error summary, labels
    with the required mark, errors tied to their fields), with Danish messages that say what to do."""

    error_messages = {
        "invalid_login": _("Brugernavn eller adgangskode er forkert. Prøv igen."),
        "inactive": _("Brugeren er deaktiveret. Kontakt sekretariatet, hvis du skal have adgang igen."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Brugernavn")
        self.fields["password"].label = _("Adgangskode")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        style_fields(self)  # again: the messages name the labels set here


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=100,
        help_text=_("Hvad tokenet bruges til, fx «Lønsystem» eller «Indberetning af målinger»."),
    )
    expires_on = forms.DateField(
        label=_("Udløber (valgfrit)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tokenet virker til og med denne dato. Lad feltet stå tomt for et token uden udløb."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on and expires_on < timezone.localdate():
            raise forms.ValidationError(_("Datoen skal være i dag eller senere."))
        return expires_on

    @property
    def expires_at(self) -> datetime | None:
        expires_on = self.cleaned_data.get("expires_on")
        if not expires_on:
            return None
        return timezone.make_aware(datetime.combine(expires_on, time.max))


# --- Medfinansiering ---------------------------------------------------------------------------


class CommitmentForm(forms.ModelForm):
    """A commitment of one party to a plan for a year; the party list is what the user may record for."""

    class Meta:
        model = Commitment
        fields = ["party", "year", "form", "sub_agreement", "amount", "hours", "fte", "hourly_rate", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan, parties, sub_agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["party"].queryset = parties
        self.fields["sub_agreement"].queryset = sub_agreements
        self.fields["sub_agreement"].required = False
        self.fields["year"] = forms.TypedChoiceField(
            label=_("År"), choices=[(year, year) for year in plan.years], coerce=int
        )
        self.fields["amount"].required = False
        self.fields["amount"].help_text = _(
            "For medarbejderressourcer kan beløbet stå tomt; så beregnes det som timer × timesats."
        )
        if self.instance.pk:
            del self.fields["party"]  # a commitment stays the party's: record a new one for another party

    def clean_amount(self):
        return self.cleaned_data.get("amount") or Decimal("0")

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


class DeliveryForm(forms.Form):
    date = forms.DateField(label=_("Dato"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("Beløb (kr.)"), min_value=0, max_digits=14, decimal_places=2, required=False)
    hours = forms.DecimalField(label=_("Timer"), min_value=0, max_digits=10, decimal_places=1, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, commitment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commitment is not None and not commitment.is_staff_form:
            del self.fields["hours"]

    def clean(self):
        cleaned = super().clean()
        cleaned["amount"] = cleaned.get("amount") or Decimal("0")
        if not cleaned["amount"] and not cleaned.get("hours"):
            raise forms.ValidationError(_("Angiv et beløb, et antal timer eller begge."))
        return cleaned
