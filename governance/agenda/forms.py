"""Forms of the agenda builder (Danish labels)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import PortalFormMixin


class ProposalForm(PortalFormMixin, forms.Form):
    key = forms.CharField(max_length=60)
    fingerprint = forms.CharField(max_length=64)
    position = forms.IntegerField(required=False, min_value=1, max_value=999, label=_("Placering"))
    reason = forms.CharField(required=False, max_length=2000, label=_("Begrundelse (valgfri)"))


class PlaceForm(PortalFormMixin, forms.Form):
    position = forms.IntegerField(min_value=1, max_value=999, label=_("Flyt til punkt nr."))
