"""Schemathesis hooks of the fuzz runs (tests/api/test_fuzz_schema.py, bench/fuzz.py), loaded through
SCHEMATHESIS_HOOKS=tests.api.schemathesis_hooks.

Schemathesis's own positive_data_acceptance fails every 400 answered to a value the schema allows. The API
checks some values against the data or against other parameters, which OpenAPI 3.0 cannot say (a place
that does not exist, a cursor not taken from a link, near= without radius=, a bbox whose minimum is not
below its maximum, format=geojson without one area level); the schema documents those 400s. This check
replaces it: a schema-valid request may get a 400 only for those parameters, named in the body. A 400 for
any other parameter (one the schema could have constrained) is a failure, as before.

OGC API – Features itself defines ``limit`` with a maximum and requires a server to answer a larger limit
with the maximum, not an error; negative_data_rejection's report of that one is dropped.
"""

import json

import schemathesis

# Parameters whose validity depends on the data or on other parameters (see api/docs.py ERRORS["400"]).
CHECKED_BEYOND_THE_SCHEMA = frozenset(
    {
        "division",
        "district",
        "upazila",
        "survey",
        "cursor",
        "near",
        "radius",
        "bbox",
        "within",
        "format",
        "datetime",
        "filter",  # CQL2 text: a grammar, not a JSON Schema
    }
)
ACCEPTED = {401, 403, 404, 409, 429}


def rejected_parameters(body: bytes) -> set[str] | None:
    """The parameters a 400 names, but for a value with a NUL character (refused everywhere, as
    PostgreSQL cannot store one), or None if the body is not the API's error object."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {name for name, message in data.items() if "NUL character" not in str(message)}


@schemathesis.check
def schema_valid_request_accepted(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    status = response.status_code
    if status < 400 or status in ACCEPTED or status >= 500:  # 5xx is not_a_server_error's to report
        return None
    named = rejected_parameters(response.content) if status == 400 else None
    if named is not None and named <= CHECKED_BEYOND_THE_SCHEMA:
        return None
    raise AssertionError(
        f"A request the schema allows was refused with {status}, for {sorted(named or [])} — "
        f"constrain these parameters in the schema, or accept the value. Body: {response.content[:300]!r}"
    )


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """False drops the failure: a limit above the maximum answered with the maximum, as OGC requires."""
    if failure.code != "ST201" or not case.operation.path.endswith("/items") or response.status_code != 200:
        return True
    try:
        above_maximum = int((case.query or {}).get("limit")) > 1 and "maximum" in failure.message
    except (TypeError, ValueError):
        return True
    return not (above_maximum and "`limit`" in failure.message)
