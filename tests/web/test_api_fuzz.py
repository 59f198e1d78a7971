"""The hand-off API fuzzed from its own OpenAPI document (schemathesis): no server error,
every response as documented (status, content type, body schema), every request the
schema forbids refused with a 4xx. Bounded and derandomized: the same short run each time.

Driven through ``operation.as_strategy()`` and Hypothesis directly (schemathesis's lazy
pytest fixture does not run on pytest 9)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from webapp.api.views import openapi_text

from . import test_handoff_api as handoff_api

api_engine = handoff_api.api_engine  # the API tests' fixtures: a stub case_main, a court
court = handoff_api.court

EXAMPLES = 25
REFERENCE_REFUSED = "422"
"""A push valid by the schema can still name a region or dispute type this center has not
registered, or a region outside the sender's area: the documented 422, never a 5xx."""


def fuzz_config(token: str) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "auth": {"openapi": {"bearerToken": {"bearer": token}}},
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "404", "409", REFERENCE_REFUSED]
                },
            },
        }
    )


def _runs() -> list[tuple[str, str, GenerationMode]]:
    """Each operation with valid and with invalid requests (an operation that takes no
    input has no invalid request)."""
    doc = json.loads(openapi_text())
    runs = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            takes_input = "parameters" in operation or "requestBody" in operation
            modes = list(GenerationMode) if takes_input else [GenerationMode.POSITIVE]
            runs += [(method.upper(), path, mode) for mode in modes]
    return runs


@pytest.mark.parametrize(("method", "path", "mode"), _runs())
def test_the_api_behaves_as_its_document_says(app, api_engine, court, method, path, mode):
    _, token = court
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=fuzz_config(token))
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        case.call_and_validate()

    call()
