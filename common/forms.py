"""Form helpers shared by every app: design-system widget classes and service errors shown on forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from common.form_style import style_fields


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
    """DKFDS classes on the widgets and Danish error messages that say how to fix the field
    (``common.form_style``); templates render the form with ``forms/fields.html``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
