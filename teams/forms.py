"""Form pieces shared by the apps: date widgets, a safe multiple choice, and how a service's
refusal shows on a form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy
from django_filters.widgets import BooleanWidget

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def add_service_errors(form: forms.Form, error: ValidationError, rename: dict | None = None):
    """Show a service's ``ValidationError`` on the form: next to the field it names when the
    form has that field (``rename`` maps a service's name to the form's), on top otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    rename = rename or {}
    for name, errors in error.error_dict.items():
        name = rename.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


class DateInput(forms.DateInput):
    """The browser's date picker, its value always ISO (``2026-06-12``).

    A ``type="date"`` input only accepts ISO; Django's own DateInput renders the active
    locale's format (``12/06/2026`` in French), which the browser drops: the field showed
    empty and the next save lost the date. Every date field of every form uses this one.
    """

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, its value ISO (``2026-06-12T09:30``)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATETIME_LOCAL)


# An id past 64 bits cannot exist, but SQLite cannot even bind it: Django's check of a
# multiple choice ("id IN (...)") failed with OverflowError, a 500.
LARGEST_ID = 2**63 - 1


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id too large for the database like any unknown choice."""

    def _check_values(self, value):
        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("+-").isdigit() and abs(int(text)) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def bounded_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` of a ModelForm: its many-to-many fields are bounded."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", BoundedModelMultipleChoiceField)
    return db_field.formfield(**kwargs)


class AllYesNo(BooleanWidget):
    """A yes / no filter whose empty choice reads "All" (django-filter's says "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", gettext_lazy("All")), ("true", gettext_lazy("Yes"))]
        self.choices.append(("false", gettext_lazy("No")))


class UserChoiceField(forms.ModelChoiceField):
    """People listed by name (their login only when they have none)."""

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()
