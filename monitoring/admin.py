"""Admin for målstyring, with history. Changing a goal, indicator or target asks for a reason."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AreaStatistic, Goal, Indicator, Measurement, Milestone, Target


class ReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Begrundelse for ændringen"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Kræves når et eksisterende mål, en indikator eller en målværdi ændres; gemmes i historikken."),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.has_changed() and not (cleaned.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Angiv en begrundelse for ændringen."))
        return cleaned


class ReasonAdmin(SimpleHistoryAdmin):
    """Stores the form's reason as the history row's change reason."""

    form = ReasonForm

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason", "").strip() or (
            str(_("Ændret i administrationen")) if change else str(_("Oprettet"))
        )
        super().save_model(request, obj, form, change)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Goal)
class GoalAdmin(ReasonAdmin):
    list_display = ("title", "plan", "level", "sub_agreement", "kind")
    list_filter = ("level", "kind", "plan")
    search_fields = ("title",)
    inlines = [MilestoneInline]


@admin.register(Indicator)
class IndicatorAdmin(ReasonAdmin):
    list_display = ("name", "goal", "data_source", "frequency", "direction", "unit")
    list_filter = ("data_source", "frequency", "direction")
    search_fields = ("name", "lbf_indicator_code")
    filter_horizontal = ("interventions",)


@admin.register(Target)
class TargetAdmin(ReasonAdmin):
    list_display = ("indicator", "value", "due_date")
    search_fields = ("indicator__name",)


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("title", "goal", "due_date", "done")
    list_filter = ("done",)


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "period", "breakdown_value", "value", "status", "entered_by", "approved_by")
    list_filter = ("status",)
    search_fields = ("indicator__name", "period")
    readonly_fields = ("approved_at",)


@admin.register(AreaStatistic)
class AreaStatisticAdmin(SimpleHistoryAdmin):
    list_display = ("indicator_code", "scope", "area", "municipality", "period", "value")
    list_filter = ("scope", "indicator_code")
    search_fields = ("indicator_code", "area__code")
