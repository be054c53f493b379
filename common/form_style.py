"""One place that makes a Django form look and speak like Det Fælles Designsystem's forms.

``style_fields(form)`` gives every widget the DKFDS class (``form-input`` / ``form-select``) and
replaces Django's generic messages ("Dette felt er påkrævet.") with Danish ones that say how to fix
the field. The markup (error summary, labels, hints, ``aria-describedby``) is in
``templates/forms/fields.html``, which every portal form renders.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

_SKIP_CLASS = (forms.CheckboxSelectMultiple, forms.CheckboxInput, forms.FileInput, forms.RadioSelect)


def _messages(field: forms.Field, label: str) -> dict:
    widget = field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        required = _("Vælg mindst én mulighed under „%(label)s“.")
    elif isinstance(widget, forms.Select | forms.RadioSelect):
        required = _("Vælg en mulighed under „%(label)s“.")
    elif isinstance(widget, forms.FileInput):
        required = _("Vælg en fil under „%(label)s“.")
    elif isinstance(widget, forms.CheckboxInput):
        required = _("Sæt kryds ved „%(label)s“ for at fortsætte.")
    else:
        required = _("Udfyld „%(label)s“.")
    messages = {"required": required % {"label": label}}
    if isinstance(field, forms.DateTimeField):
        messages["invalid"] = _("Skriv dato og klokkeslæt i „%(label)s“, fx 3.12.2026 kl. 14:00.") % {"label": label}
    elif isinstance(field, forms.DateField):
        messages["invalid"] = _("Skriv en dato i „%(label)s“, fx 3.12.2026.") % {"label": label}
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = _("Skriv et helt tal i „%(label)s“, fx 12.") % {"label": label}
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = _("Skriv et tal i „%(label)s“, fx 12,5.") % {"label": label}
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        messages["invalid_choice"] = _("Vælg en af mulighederne under „%(label)s“.") % {"label": label}
    return messages


def style_fields(form: forms.BaseForm) -> None:
    for name, field in form.fields.items():
        label = capfirst(field.label or name)
        field.error_messages = {**field.error_messages, **_messages(field, label)}
        widget = field.widget
        if isinstance(widget, _SKIP_CLASS):
            continue
        single_select = isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple)
        css = "form-select" if single_select else "form-input"
        if css not in widget.attrs.get("class", "").split():
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
