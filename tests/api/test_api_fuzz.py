"""Schema-driven fuzzing of the API against its own OpenAPI document (schemathesis):
whatever the body, the API answers as documented and never with a 5xx.

Every check runs except "schema-valid data is accepted": some rules cannot be said in
the schema (an answer needs a CSO, a service code must exist in the catalog version in
force, a time must not be in the future) and answer 422/403 as documented.

Schemathesis' pytest loader (``from_fixture``) does not run under pytest 9, so the
test walks the operations itself and drives each one's Hypothesis strategy.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hai.api.tokens import issue_token
from hai.db_types import utcnow

OPERATIONS = [
    ("POST", "/tickets"),
    ("GET", "/tickets/{number}"),
    ("PATCH", "/tickets/{number}"),
    ("GET", "/catalog"),
    ("POST", "/haipedia/answer"),
]


@pytest.mark.parametrize("method,path", OPERATIONS, ids=lambda v: str(v))
def test_api_answers_as_documented_and_never_5xx(app, db_session, method, path):
    _, secret = issue_token("Fuzz", now=utcnow(), rate_per_minute=10_000)
    db_session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {secret}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        database=None,
    )
    def fuzz(case):
        case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

    fuzz()
