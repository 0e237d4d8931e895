"""A service's refusal shows on the page's form: next to the field it names when the form has
that field, on top of the form otherwise. One adapter for every app's pages."""

from django import forms
from django.core.exceptions import ValidationError

from teams.forms import add_service_errors


class ActionForm(forms.Form):
    title = forms.CharField()
    assignees = forms.CharField()


def _bound():
    form = ActionForm({"title": "Call", "assignees": "rep"})
    assert form.is_valid()
    return form


def test_a_message_for_a_field_of_the_form_shows_next_to_it():
    form = _bound()
    add_service_errors(form, ValidationError({"title": ["Too long.", "Already used."]}))
    assert form.errors == {"title": ["Too long.", "Already used."]}
    assert "title" not in form.cleaned_data


def test_a_rule_about_the_whole_row_or_a_field_the_form_lacks_shows_on_top():
    form = _bound()
    add_service_errors(form, ValidationError({"__all__": ["Plan closed."], "lever": ["Gone."]}))
    assert form.non_field_errors() == ["Plan closed.", "Gone."]


def test_a_refusal_without_field_shows_on_top():
    form = _bound()
    add_service_errors(form, ValidationError("The plan is closed."))
    assert form.non_field_errors() == ["The plan is closed."]


def test_a_service_field_named_otherwise_on_the_form_shows_next_to_the_form_field():
    form = _bound()
    add_service_errors(
        form, ValidationError({"assignee": ["Not in the team."]}), rename={"assignee": "assignees"}
    )
    assert form.errors == {"assignees": ["Not in the team."]}
