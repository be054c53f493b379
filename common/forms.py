"""Form helpers shared by every app: design-system widget classes and service errors shown on forms."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError


def errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def flash_error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class PortalFormMixin:
    """Give widgets the design system's classes (form-input, form-select)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput | forms.FileInput):
                continue
            single_select = isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple)
            css = "form-select" if single_select else "form-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
