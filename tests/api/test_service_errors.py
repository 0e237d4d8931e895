"""A service's refusal (Django's ValidationError) is an API 400 with its messages per field,
whichever endpoint raised it: one exception handler, no per-app wrapper."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from teams.errors import RowsInvalid


def _answer(error, user):
    class Refusing(APIView):
        def post(self, request):
            raise error

    request = APIRequestFactory().post("/", {}, format="json")
    force_authenticate(request, user=user)
    return Refusing.as_view()(request)


@pytest.mark.django_db
def test_a_field_refusal_is_a_400_keyed_by_field_and_all_becomes_non_field_errors(rep):
    error = ValidationError({"due_date": ["Too late."], "__all__": ["Plan closed."]})
    response = _answer(error, rep)
    assert response.status_code == 400
    assert response.data == {"due_date": ["Too late."], "non_field_errors": ["Plan closed."]}


@pytest.mark.django_db
def test_a_refusal_without_field_is_a_400_under_non_field_errors(rep):
    response = _answer(ValidationError("The plan is closed."), rep)
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["The plan is closed."]}


@pytest.mark.django_db
def test_refused_rows_are_a_400_keyed_by_row(rep):
    response = _answer(RowsInvalid({3: {"value": ["Must be positive."]}}), rep)
    assert response.status_code == 400
    assert response.data == {"rows": {"3": {"value": ["Must be positive."]}}}
