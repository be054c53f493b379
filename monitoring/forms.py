"""Forms for målstyring: a measurement, an import upload, and goal and target changes with a reason."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.form_style import style_fields
from common.formatting import format_decimal, format_percent
from common.periods import parse_period
from plans.models import Intervention

from .imports import NumberFormatError, number_error_message, parse_danish_number
from .models import DEFAULT_AT_RISK_THRESHOLD, DEFAULT_ON_TRACK_THRESHOLD, Goal, Indicator, Target


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
        style_fields(self)

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
            return parse_danish_number(self.cleaned_data["value"])
        except NumberFormatError as exc:
            raise ValidationError(number_error_message(exc)) from None


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (XLSX eller CSV)"),
        help_text=_(
            "Kolonner: indikator_id, indikator, periode, opdeling, værdi, kilde "
            "(samme format som eksporten). Tal skrives på dansk, fx 1.234,5. CSV skal være gemt som UTF-8."
        ),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    replace_approved = forms.BooleanField(
        label=_("Erstat godkendte værdier"),
        required=False,
        help_text=_(
            "Uden flueben er en række, der ændrer en godkendt måling, en fejl. Med flueben bliver den "
            "godkendte måling en kladde igen med den nye værdi, og begrundelsen gemmes i historikken."
        ),
    )
    reason = forms.CharField(label=_("Begrundelse"), required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("replace_approved") and not (cleaned.get("reason") or "").strip():
            message = _("Skriv hvorfor godkendte værdier skal erstattes, fx “Rettede tal fra kommunen”.")
            self.add_error("reason", message)
        cleaned["reason"] = (cleaned.get("reason") or "").strip()
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class _StyledForm(forms.ModelForm):
    """DKFDS classes and fix-it messages (``common.form_style``); hints and errors are tied to the
    control by ``aria-describedby`` when ``forms/fields.html`` renders it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DecimalField):
                # Danish decimal commas: a text input (a number input would refuse "0,90").
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True
        style_fields(self)


class _ReasonForm(_StyledForm):
    """A governed object's form: every change asks for the reason kept in its history."""

    reason = forms.CharField(
        label=_("Begrundelse for ændringen"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Fx bestyrelsens beslutning eller midtvejsevalueringen. Gemmes i historikken."),
    )

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


class GoalCreateForm(_StyledForm):
    """A new strategic goal or delmål of ``plan``."""

    class Meta:
        model = Goal
        fields = ["level", "sub_agreement", "contributes_to", "title", "description", "kind", "theory_of_change"]

    def __init__(self, *args, plan, **kwargs):
        kwargs.setdefault("instance", Goal(plan=plan))
        super().__init__(*args, **kwargs)
        self.fields["sub_agreement"].queryset = plan.sub_agreements.order_by("title")
        self.fields["sub_agreement"].help_text = _("Kun for delmål.")
        self.fields["contributes_to"].queryset = plan.goals.filter(level=Goal.Level.STRATEGIC).order_by("title")
        self.fields["contributes_to"].help_text = _("Kun for delmål (valgfri).")


def _threshold(value) -> dict:
    return {"default": format_decimal(value, 2), "percent": format_percent(value)}


class IndicatorCreateForm(_StyledForm):
    """A new indicator of a goal, with its first target (more can be added on its page)."""

    target_value = forms.DecimalField(label=_("Målværdi"), max_digits=14, decimal_places=4, localize=True)
    target_date = forms.DateField(
        label=_("Målværdien nås senest"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "definition",
            "unit",
            "direction",
            "data_source",
            "lbf_indicator_code",
            "frequency",
            "baseline_value",
            "baseline_date",
            "breakdown_dimension",
            "interventions",
            "on_track_threshold",
            "at_risk_threshold",
        ]
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "interventions": forms.CheckboxSelectMultiple,
            "definition": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, goal, **kwargs):
        kwargs.setdefault("instance", Indicator(goal=goal))
        super().__init__(*args, **kwargs)
        # The defaults in the active language's number format (0,90 / 0.90) and as a percentage.
        self.fields["on_track_threshold"].help_text = _(
            "Andel af den forventede fremgang, der mindst skal være nået, som decimaltal (standard %(default)s = "
            "%(percent)s)."
        ) % _threshold(DEFAULT_ON_TRACK_THRESHOLD)
        self.fields["at_risk_threshold"].help_text = _(
            "Under denne andel af den forventede fremgang er indikatoren ude af kurs; skriv den som decimaltal "
            "(standard %(default)s = %(percent)s)."
        ) % _threshold(DEFAULT_AT_RISK_THRESHOLD)
        self.fields["interventions"].queryset = Intervention.objects.filter(sub_agreement__plan=goal.plan).order_by(
            "sub_agreement__title", "name"
        )

    def clean(self):
        cleaned = super().clean()
        baseline_date, target_date = cleaned.get("baseline_date"), cleaned.get("target_date")
        if baseline_date and target_date and target_date <= baseline_date:
            self.add_error("target_date", _("Målværdien skal nås efter baselinedatoen."))
        return cleaned

    def indicator_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "interventions"}


class TargetCreateForm(_StyledForm):
    class Meta:
        model = Target
        fields = ["value", "due_date", "note"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, indicator, **kwargs):
        kwargs.setdefault("instance", Target(indicator=indicator))
        super().__init__(*args, **kwargs)
