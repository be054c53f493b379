"""django-filter FilterSets for the portal's cross-plan pages; choices come from the reader's scope."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from monitoring.models import Goal, Indicator
from plans import access
from plans.models import Intervention, Organisation, Plan, ThematicArea


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.plan.name}: {obj.title}"


class GoalFilter(django_filters.ModelChoiceFilter):
    field_class = GoalChoiceField


class ProjectBankFilter(django_filters.FilterSet):
    """Projektbank: free text, indsatsområde, goal, kommune and partner (responsible or collaborating)."""

    q = django_filters.CharFilter(label=_("Fritekst"), method="filter_text", max_length=200)
    thematic_area = django_filters.ModelChoiceFilter(
        label=_("Indsatsområde"),
        queryset=ThematicArea.objects.all(),
        field_name="sub_agreement__thematic_area",
        empty_label=_("Alle"),
    )
    goal = GoalFilter(
        label=_("Mål (indsatser fulgt af målets indikatorer)"),
        queryset=Goal.objects.none(),
        method="filter_goal",
        empty_label=_("Alle"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Kommune"),
        queryset=Organisation.objects.none(),
        field_name="sub_agreement__plan__municipality",
        empty_label=_("Alle"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner (ansvarlig eller samarbejdspartner)"),
        queryset=Organisation.objects.none(),
        method="filter_partner",
        empty_label=_("Alle"),
    )

    class Meta:
        model = Intervention
        fields = ["q", "thematic_area", "goal", "municipality", "partner"]

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        interventions = queryset.values("pk")
        self.filters["goal"].queryset = (
            access.visible(user, Goal)
            .filter(pk__in=Indicator.objects.filter(interventions__in=interventions).values("goal"))
            .select_related("plan")
            .order_by("plan__name", "level", "position", "title")
        )
        self.filters["municipality"].queryset = Organisation.objects.filter(
            pk__in=access.visible(user, Plan).values("municipality")
        ).order_by("name")
        self.filters["partner"].queryset = Organisation.objects.filter(
            Q(pk__in=queryset.values("responsible_partner")) | Q(pk__in=queryset.values("partners"))
        ).order_by("name")
        for bound in self.form.fields.values():
            css = "form-input" if isinstance(bound.widget, forms.TextInput) else "form-select"
            bound.widget.attrs["class"] = css

    def filter_text(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(description__icontains=value) | Q(sub_agreement__title__icontains=value)
        )

    def filter_goal(self, queryset, name, goal):
        followed = Indicator.interventions.through.objects.filter(indicator__goal=goal)
        return queryset.filter(pk__in=followed.values("intervention"))

    def filter_partner(self, queryset, name, partner):
        return queryset.filter(Q(responsible_partner=partner) | Q(pk__in=partner.partner_interventions.values("pk")))
