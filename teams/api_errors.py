"""How the API answers a service's refusal: Django's ``ValidationError`` is a 400 with its
messages per field, the same body as DRF's own validation errors (``non_field_errors`` for a
rule about the whole row). Set as ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``, so views and
viewsets call the services directly.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from teams.errors import RowsInvalid


def drf_errors(error: DjangoValidationError) -> serializers.ValidationError:
    """A Django ``ValidationError`` as DRF's, keyed by field (``non_field_errors`` otherwise);
    refused rows of a multi-row write are keyed by row under ``rows``."""
    if isinstance(error, RowsInvalid):
        return serializers.ValidationError({"rows": {str(k): v for k, v in error.rows.items()}})
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if k == NON_FIELD_ERRORS else k): v
            for k, v in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return serializers.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = drf_errors(exc)
    return drf_exception_handler(exc, context)
