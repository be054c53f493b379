"""Forms for målstyring: a measurement, an import upload, and goal and target changes with a reason."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .imports import parse_decimal
from .models import Goal, Target
from .periods import parse_period


class MeasurementForm(forms.Form):
    period = forms.CharField(
        label=_("Periode"),
        max_length=10,
        help_text=_("Fx 2025-Q3 (kvartal), 2025-H1 (halvår) eller 2025 (år)."),
    )
    value = forms.CharField(label=_("Værdi"), max_length=30, help_text=_("Brug komma eller punktum som decimaltegn."))
    breakdown_value = forms.CharField(
        label=_("Opdelingsværdi"), max_length=100, required=False, help_text=_("Tom for hele målgruppen.")
    )
    source_note = forms.CharField(label=_("Kilde"), max_length=255, required=False)

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if not indicator.breakdown_dimension:
            del self.fields["breakdown_value"]
        else:
            self.fields["breakdown_value"].label = _("Opdeling: %(dimension)s") % {
                "dimension": indicator.breakdown_dimension
            }

    def clean_period(self):
        period = parse_period(self.cleaned_data["period"])
        if period.kind != self.indicator.frequency:
            raise ValidationError(
                _("Indikatoren måles %(frequency)s; brug fx %(example)s.")
                % {
                    "frequency": self.indicator.get_frequency_display().lower(),
                    "example": {"quarterly": "2025-Q3", "half_yearly": "2025-H1", "yearly": "2025"}[
                        self.indicator.frequency
                    ],
                }
            )
        return period.label

    def clean_value(self):
        try:
            return parse_decimal(self.cleaned_data["value"])
        except ValueError:
            raise ValidationError(_("Angiv et tal.")) from None


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (XLSX eller CSV)"),
        help_text=_(
            "Kolonner: indikator_id, indikator, periode, opdeling, værdi, kilde "
            "(samme format som eksporten). CSV skal være gemt som UTF-8."
        ),
    )


class _ReasonForm(forms.ModelForm):
    """A governed object's form: every change asks for the reason kept in its history."""

    reason = forms.CharField(
        label=_("Begrundelse for ændringen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx bestyrelsens beslutning eller midtvejsevalueringen. Gemmes i historikken."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-input"
            widget.attrs.setdefault("class", css)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self.auto_id % name}-hint"

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class GoalForm(_ReasonForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "kind", "theory_of_change"]


class TargetForm(_ReasonForm):
    class Meta:
        model = Target
        fields = ["value", "due_date", "note"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
