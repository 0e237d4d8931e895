"""The API from its own schema: schemathesis generates requests for every operation (valid
and invalid data, NUL bytes and odd unicode included) as the manager of a seeded team; no
answer may be a 5xx or break the schema.

Bounded for CI: a few examples per operation, the "fuzzing" phase only, no deadline.
"""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from pacsite.wsgi import application

MAX_EXAMPLES = 8


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application
# Valid and invalid data (the "fuzzing" phase), NUL bytes allowed in strings, no shrinking:
# a failure is reported as found, which keeps the run to a minute or two.
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.config.generation.update(
    max_examples=MAX_EXAMPLES, allow_x00=True, no_shrink=True, deterministic=True
)
# Logging in with made-up passwords only feeds the lockout counter (django-axes).
schema = schema.exclude(path="/api/v1/auth/token/")


@pytest.fixture
def manager_token(world, manager, token_for):
    return token_for(manager)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_holds_up_against_generated_requests(case, manager_token):
    response = case.call(headers={"Authorization": f"Token {manager_token}"})
    case.validate_response(
        response,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
