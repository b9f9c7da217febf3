"""Schemathesis hooks for fuzzing the Balai gateway as its real callers use it.

Loaded through SCHEMATHESIS_HOOKS by tests/e2e/test/api-contract-fuzz.int.test.ts, which starts
the platform, signs in one user per role and writes what these hooks read to the JSON file named
by BALAI_FUZZ_CONTEXT:

    {"tenant": "36.73", "tokens": {"citizen": "...", ...}, "open311ApiKey": "...",
     "known": {"complaintIds": [...], "staffIds": [...], ...}}

The test rewrites the file when it refreshes the tokens (long runs outlive an access token);
it is read again whenever it changes.

Every choice made here (which role calls, whether a generated value is swapped for a known id)
is a pure function of the generated case, so a case replayed while shrinking or reproducing a
failure gets the same token and the same ids: no randomness outside Hypothesis.
"""

from __future__ import annotations

import atexit
import collections
import hashlib
import json
import os
import re
import threading
import xml.etree.ElementTree as ElementTree
from typing import Any

import schemathesis

CONTEXT_FILE = os.environ.get("BALAI_FUZZ_CONTEXT", "")
# Where the calls made are counted, per operation and status (the test reports them).
STATS_FILE = os.environ.get("BALAI_FUZZ_STATS", "")

ANONYMOUS = "anonymous"
# The roles a token is made for. Routes may also name platform_admin and open311_partner: those
# callers are not fuzzed with a bearer token (open311_partner signs in with its api_key below).
SIGNED_IN_ROLES = ("citizen", "officer", "supervisor", "analyst", "tenant_admin")

_lock = threading.Lock()
_context: dict[str, Any] = {}
_context_mtime = -1.0


def context() -> dict[str, Any]:
    """The test's context file, read again when the test has rewritten it (fresh tokens)."""
    global _context, _context_mtime
    if not CONTEXT_FILE:
        raise RuntimeError("BALAI_FUZZ_CONTEXT is not set: run these hooks through api-contract-fuzz.int.test.ts")
    mtime = os.stat(CONTEXT_FILE).st_mtime
    if mtime != _context_mtime:
        with _lock:
            if mtime != _context_mtime:
                with open(CONTEXT_FILE, encoding="utf-8") as file:
                    _context = json.load(file)
                _context_mtime = mtime
    return _context


ROLES_IN_DESCRIPTION = re.compile(r"Roles: ([a-z0-9_, ]+)\.")


def allowed_roles(operation: Any) -> tuple[str, ...] | None:
    """The roles the gateway lets call the operation; None when it is public.

    The gateway writes each route's roles into its OpenAPI description ("Roles: a, b.") and marks
    it with a security requirement; `x-balai-roles`, when the document has it, says the same in a
    form meant for machines.
    """
    raw = operation.definition.raw
    declared = raw.get("x-balai-roles")
    if isinstance(declared, list):
        return tuple(declared)
    if not raw.get("security"):
        return None
    match = ROLES_IN_DESCRIPTION.search(raw.get("description") or "")
    return tuple(role.strip() for role in match.group(1).split(",")) if match else ()


def fingerprint(case: Any) -> int:
    """A stable number drawn from what Hypothesis generated for the case."""
    headers = {k.lower(): v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    material = repr((case.path_parameters, case.query, sorted(headers.items()), case.body))
    return int.from_bytes(hashlib.sha256(material.encode("utf-8", "surrogatepass")).digest()[:8], "big")


def pick(options: list[Any] | tuple[Any, ...], seed: int, salt: int) -> Any:
    return options[(seed >> (salt * 5)) % len(options)]


def callers_for(operation: Any) -> list[str]:
    """Who calls: a role the route allows, or, on a public route, anyone (signed in or not)."""
    tokens = context()["tokens"]
    roles = allowed_roles(operation)
    if roles is None:
        return [ANONYMOUS, *[role for role in SIGNED_IN_ROLES if role in tokens]]
    usable = [role for role in roles if role in tokens]
    # A route only platform admins or partners may call: fuzz what everyone else gets (403).
    return usable or [ANONYMOUS]


# Which known values a parameter may take instead of the generated one, by operation path prefix
# and parameter name. Half of the cases keep the generated value (malformed and unknown ids).
KNOWN_PATH_VALUES = {
    ("/v1/complaints/", "id"): "complaintIds",
    ("/v1/complaint-categories/", "code"): "categoryCodes",
    ("/v1/staff/", "id"): "staffIds",
    ("/v1/tenants/", "tenantId"): "tenantIds",
    ("/v1/partner-apps/", "clientId"): "partnerClientIds",
}
KNOWN_BODY_VALUES = {
    "duplicateOfId": "complaintIds",
    "officerId": "officerIds",
    "agencyId": "agencyIds",
    "categoryCode": "categoryCodes",
    "supervisorId": "staffIds",
}
OPEN311_FILE_VALUES = {
    "/open311/v2/services/{file}": "categoryCodes",
    "/open311/v2/requests/{file}": "complaintIds",
    "/open311/v2/tokens/{file}": "complaintIds",
}


def known(name: str) -> list[str]:
    return list(context()["known"].get(name) or [])


@schemathesis.hook
def map_case(hook_context: Any, case: Any) -> Any:
    operation = hook_context.operation
    seed = fingerprint(case)
    ctx = context()

    caller = pick(callers_for(operation), seed, 0)
    if case.headers is None:
        case.headers = {}
    for name in [name for name in case.headers if name.lower() == "authorization"]:
        del case.headers[name]
    if caller != ANONYMOUS:
        case.headers["Authorization"] = f"Bearer {ctx['tokens'][caller]}"

    # The tenant header: usually the users' own tenant, sometimes what was generated (another
    # tenant's code, garbage) or none at all.
    tenant_headers = [name for name in case.headers if name.lower() == "x-balai-tenant"]
    tenant_choice = (seed >> 45) % 8
    if tenant_choice < 6:
        for name in tenant_headers:
            del case.headers[name]
        if tenant_choice < 5 or caller == ANONYMOUS:
            case.headers["x-balai-tenant"] = ctx["tenant"]

    use_known = (seed >> 20) % 2 == 0
    path = operation.path
    if use_known and case.path_parameters:
        for (prefix, name), source in KNOWN_PATH_VALUES.items():
            values = known(source)
            if path.startswith(prefix) and name in case.path_parameters and values:
                case.path_parameters[name] = pick(values, seed, 5)
        source = OPEN311_FILE_VALUES.get(path)
        if source and known(source) and "file" in case.path_parameters:
            case.path_parameters["file"] = f"{pick(known(source), seed, 5)}.{pick(['json', 'xml'], seed, 6)}"

    # The callers themselves are never changed or revoked (GET /v1/staff and GET /v1/partner-apps
    # list them, and schemathesis reuses what responses show): a call aimed at one goes to a
    # staff member or partner app made to be fuzzed instead.
    protected = set(known("protected"))
    for (prefix, name), source in KNOWN_PATH_VALUES.items():
        value = (case.path_parameters or {}).get(name)
        if path.startswith(prefix) and value in protected:
            case.path_parameters[name] = pick(known(source) or ["fuzz-unknown"], seed, 8)

    # Open311 paths end in .json or .xml and any other format is 404: the document cannot say so
    # without the gateway validating it (a 400), so the format is mostly steered to the two real ones.
    if path.startswith("/open311/") and case.path_parameters and (seed >> 55) % 8 != 0:
        if "format" in case.path_parameters:
            case.path_parameters["format"] = pick(["json", "xml"], seed, 6)
        file = case.path_parameters.get("file")
        if isinstance(file, str) and not re.search(r"\.(json|xml)$", file):
            case.path_parameters["file"] = f"{file}.{pick(['json', 'xml'], seed, 6)}"

    if isinstance(case.body, dict):
        if use_known:
            for name, source in KNOWN_BODY_VALUES.items():
                if name in case.body and known(source):
                    case.body[name] = pick(known(source), seed, 7)
        # Open311's form carries the partner's api_key: usually the real one.
        if path.startswith("/open311/v2/requests.") and (seed >> 50) % 4 != 0:
            case.body["api_key"] = ctx["open311ApiKey"]
    return case


@schemathesis.deserializer("text/xml", "application/xml")
def well_formed_xml(_ctx: Any, response: Any) -> str:
    """Open311's XML answers: must parse; their text is what the document's string schema checks."""
    text = response.content.decode(response.encoding or "utf-8")
    ElementTree.fromstring(text)
    return text


# ---- What was called --------------------------------------------------------------------------

_calls: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
_call_count = 0


def write_stats() -> None:
    if not STATS_FILE:
        return
    with _lock:
        snapshot = {label: dict(statuses) for label, statuses in _calls.items()}
    temporary = f"{STATS_FILE}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        json.dump(snapshot, file)
    os.replace(temporary, STATS_FILE)


@schemathesis.hook
def after_call(hook_context: Any, case: Any, response: Any) -> None:
    """Counts each request by operation and status; written out now and then, and at the end."""
    global _call_count
    with _lock:
        _calls[case.operation.label][str(response.status_code)] += 1
        _call_count += 1
        due = _call_count % 250 == 0
    if due:
        write_stats()


atexit.register(write_stats)
