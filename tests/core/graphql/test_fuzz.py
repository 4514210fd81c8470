"""A deterministic GraphQL fuzzer over both schemas: hostile argument values for every field.

It introspects ``/graphql`` (anonymously) and ``/api/graphql`` (as an admin with a bearer
token), finds a way from the root to every field that takes arguments (nested ones too, such
as ``Article.diff``), and sends each argument every hostile value of its kind (empty, unknown
codes, huge and negative numbers, wrong types, long strings, control characters, unicode),
the other arguments holding plausible values. Every answer must be a client's answer: no
HTTP 500, and every error coded in :data:`CLIENT_CODES`. An argument value that names nothing
is ``BAD_USER_INPUT`` everywhere, so ``NOT_FOUND`` and ``INTERNAL`` are both findings.

Why a generator rather than hypothesis: the space is the schema's, not random; a fixed list
covers it in one bounded pass (a few thousand requests) and a finding always reproduces.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.app import create_app
from core.context import Context
from tests.conftest import API_TOKEN
from tests.core.graphql.conftest import MakeArticle

#: Codes of expected failures: the client's mistake or the client's lack of rights.
CLIENT_CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "UNAUTHENTICATED",
        "FORBIDDEN",
        "STEP_UP_REQUIRED",
        "INVALID_TRANSITION",
        "CONFLICT",
        "CONTENT_BLOCKED",
        "CONTENT_HELD",
        "RATE_LIMITED",
        "LOCKED_OUT",
    }
)

LONG = "đ" * 5000
STRINGS: list[Any] = [
    "",
    " ",
    "nope",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    LONG,
    "' OR 1=1 --",
    '<img src=x onerror="alert(1)">',
    "a\u0000b\u202e",
    "\ud800 lone surrogate",
    "🙂 Việt\u0301",
    "../../etc/passwd",
    "%s%n{0}",
    12,  # wrong type
    True,
]
INTS: list[Any] = [0, -1, -(2**31), 2**31 - 1, 2**31, 10**20, "1", 1.5, None]
FLOATS: list[Any] = [0.0, -1.0, 1e308, -1e308, 5e-324, "x", None]
BOOLEANS: list[Any] = ["true", 0, None]
JSON_VALUES: list[Any] = [None, {}, [], "x", 1, [1], [{}], [{"role": 12}], {"a": [LONG]}]
DATES: list[Any] = ["", "nope", "2026-02-30T00:00:00", "99999-01-01T00:00:00", "0001-01-01", 1]

#: Enough hostile values per field of an input object (the full list runs on top-level args).
INPUT_FIELD_VALUES = 6


@dataclass(frozen=True)
class Ref:
    """An introspected type reference: kind, name, and what it wraps."""

    kind: str
    name: str | None
    of: Ref | None

    @classmethod
    def of_json(cls, data: dict[str, Any]) -> Ref:
        inner = data.get("ofType")
        return cls(data["kind"], data.get("name"), cls.of_json(inner) if inner else None)

    @property
    def named(self) -> Ref:
        return self.of.named if self.of else self

    @property
    def required(self) -> bool:
        return self.kind == "NON_NULL"

    def sdl(self) -> str:
        if self.kind == "NON_NULL":
            assert self.of is not None
            return self.of.sdl() + "!"
        if self.kind == "LIST":
            assert self.of is not None
            return f"[{self.of.sdl()}]"
        return str(self.name)


TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }"
INTROSPECT = (
    "{ __schema { queryType { name } mutationType { name } types { kind name"
    " fields { name args { name type { " + TYPE_REF + " } } type { " + TYPE_REF + " } }"
    " inputFields { name type { " + TYPE_REF + " } } enumValues { name } } } }"
)


class Schema:
    def __init__(self, data: dict[str, Any]) -> None:
        schema = data["__schema"]
        self.query = schema["queryType"]["name"]
        self.mutation = (schema["mutationType"] or {}).get("name")
        self.types = {t["name"]: t for t in schema["types"]}

    def fields(self, type_name: str) -> list[dict[str, Any]]:
        return list(self.types[type_name].get("fields") or [])

    def selection(self, ref: Ref) -> str:
        """The smallest selection under a field of this type."""
        kind = self.types[str(ref.named.name)]["kind"]
        return " { __typename }" if kind in ("OBJECT", "UNION", "INTERFACE") else ""

    def plausible(self, ref: Ref, name: str) -> Any:
        """A value that names something real, so one hostile argument is tested at a time."""
        if ref.kind == "NON_NULL":
            assert ref.of is not None
            return self.plausible(ref.of, name)
        if ref.kind == "LIST":
            assert ref.of is not None
            return [self.plausible(ref.of, name)]
        t = self.types[str(ref.name)]
        lowered = name.lower()
        if t["kind"] == "ENUM":
            return t["enumValues"][0]["name"]
        if t["kind"] == "INPUT_OBJECT":
            return {
                f["name"]: self.plausible(Ref.of_json(f["type"]), f["name"])
                for f in t["inputFields"]
                if f["type"]["kind"] == "NON_NULL"
            }
        return {
            "Int": 1,
            "Float": 1.0,
            "Boolean": False,
            "ID": "2147483000",  # an id that could exist (never the admin's token, id 1)
            "JSON": [],
            "DateTime": "2026-01-01T00:00:00+00:00",
            "Date": "2026-01-01",
        }.get(
            str(ref.name),
            "38"
            if "unit" in lowered
            else "2026-07"
            if lowered == "period"
            else "nobody"
            if "user" in lowered
            else "x",
        )

    def hostile(self, ref: Ref, depth: int = 0) -> list[Any]:
        """Values of the wrong kind, out of range, or naming nothing, for one argument."""
        if ref.kind == "NON_NULL":
            assert ref.of is not None
            return [None, *self.hostile(ref.of, depth)]
        if ref.kind == "LIST":
            assert ref.of is not None
            inner = self.hostile(ref.of, depth)
            return [[], "not a list", *([v] for v in inner[:8]), *inner[:3]]
        t = self.types[str(ref.name)]
        if t["kind"] == "ENUM":
            return ["NOPE", "", 1, None]
        if t["kind"] == "INPUT_OBJECT":
            return [{}, "x", {"unknownField": 1}, *self._input_cases(ref, t, depth)]
        return {
            "Int": INTS,
            "Float": FLOATS,
            "Boolean": BOOLEANS,
            "JSON": JSON_VALUES,
            "DateTime": DATES,
            "Date": DATES,
        }.get(str(ref.name), STRINGS)

    def _input_cases(self, ref: Ref, t: dict[str, Any], depth: int) -> Iterator[dict[str, Any]]:
        """A plausible input with one field hostile, for each field in turn."""
        if depth > 1:
            return
        base = self.plausible(ref, "")
        for f in t["inputFields"]:
            field_ref = Ref.of_json(f["type"])
            for value in self.hostile(field_ref, depth + 1)[:INPUT_FIELD_VALUES]:
                yield {**base, f["name"]: value}


@dataclass(frozen=True)
class Case:
    endpoint: str
    query: str
    variables: dict[str, Any]


def _paths(schema: Schema) -> dict[str, tuple[str, str]]:
    """For each object type, a query prefix reaching it from the root (and the closing braces).

    Only through fields whose required arguments need nothing real (lists of articles, say).
    """
    found: dict[str, tuple[str, str]] = {schema.query: ("", "")}
    queue = deque([schema.query])
    while queue:
        type_name = queue.popleft()
        prefix, suffix = found[type_name]
        for f in schema.fields(type_name):
            if any(a["type"]["kind"] == "NON_NULL" for a in f["args"]):
                continue
            target = Ref.of_json(f["type"]).named
            if schema.types[str(target.name)]["kind"] != "OBJECT" or target.name in found:
                continue
            args = "(first: 5)" if any(a["name"] == "first" for a in f["args"]) else ""
            found[str(target.name)] = (f"{prefix}{f['name']}{args} {{ ", suffix + " }")
            queue.append(str(target.name))
    return found


def cases(endpoint: str, schema: Schema) -> Iterator[Case]:
    roots = [(schema.query, "query")]
    if schema.mutation:
        roots.append((schema.mutation, "mutation"))
    paths = _paths(schema)
    owners = [(name, "query") for name in paths if name != schema.query]
    for type_name, operation in [*roots, *owners]:
        prefix, suffix = (
            ("", "") if type_name in (schema.query, schema.mutation) else paths[type_name]
        )
        for f in schema.fields(type_name):
            if not f["args"] or f["name"].startswith("__"):
                continue
            refs = {a["name"]: Ref.of_json(a["type"]) for a in f["args"]}
            declared = ", ".join(f"${n}: {r.sdl()}" for n, r in refs.items())
            passed = ", ".join(f"{n}: ${n}" for n in refs)
            selection = schema.selection(Ref.of_json(f["type"]))
            query = (
                f"{operation}({declared}) {{ {prefix}{f['name']}({passed}){selection}{suffix} }}"
            )
            # Optional arguments stay null (a TOTP code would step up and lock the admin out).
            plausible = {n: schema.plausible(r, n) if r.required else None for n, r in refs.items()}
            yield Case(endpoint, query, plausible)
            for name, ref in refs.items():
                for value in schema.hostile(ref):
                    yield Case(endpoint, query, {**plausible, name: value})
                # The same value written into the query rather than passed as a variable.
                inline = query.replace(f"${name}: {ref.sdl()}", "").replace(
                    f"{name}: ${name}", f'{name}: "{"x" * 300}"'
                )
                inline = inline.replace("(, ", "(").replace(", )", ")").replace("()", "")
                yield Case(endpoint, inline, plausible)


def findings(
    client: TestClient, case: Case, headers: dict[str, str], allowed: frozenset[str]
) -> list[str]:
    variables = {k: v for k, v in case.variables.items() if k in case.query}
    # json.dumps escapes to ASCII, so a lone surrogate travels as the client wrote it.
    body = json.dumps({"query": case.query, "variables": variables})
    response = client.post(
        case.endpoint,
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    where = f"{case.endpoint} {case.query} {str(variables)[:300]}"
    if response.status_code >= 500:
        return [f"HTTP {response.status_code}: {where}"]
    answer = response.json()
    return [
        f"{(e.get('extensions') or {}).get('code')} {e.get('message')!r}: {where}"
        for e in answer.get("errors") or []
        if (e.get("extensions") or {}).get("code") not in allowed
    ]


@pytest.fixture
def app_client(ctx: Context, tree: dict[str, Any], make_article: MakeArticle) -> Iterator[Any]:
    make_article("Bài đã đăng", summary="Tóm tắt")
    make_article("Bản nháp", publish=False)
    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("endpoint", ["/graphql", "/api/graphql"])
def test_no_hostile_argument_is_answered_as_a_server_error(
    app_client: TestClient, endpoint: str
) -> None:
    admin = endpoint == "/api/graphql"
    headers = {"Authorization": f"Bearer {API_TOKEN}"} if admin else {}
    # The admin must stay signed in, or the rest of the run would test nothing.
    allowed = CLIENT_CODES - {"UNAUTHENTICATED"} if admin else CLIENT_CODES
    introspected = app_client.post(endpoint, json={"query": INTROSPECT}, headers=headers).json()
    schema = Schema(introspected["data"])
    all_cases = list(cases(endpoint, schema))
    assert len(all_cases) > (100 if endpoint == "/graphql" else 1000)  # the generator covers
    problems = [p for case in all_cases for p in findings(app_client, case, headers, allowed)]
    assert problems == [], "\n".join(problems[:40]) + f"\n({len(problems)} findings)"


def test_unknown_values_are_bad_input_naming_the_argument(
    app_client: TestClient, ctx: Context
) -> None:
    """The cases of reliability issue 9, item 8: all coded alike, naming what was wrong."""
    admin = {"Authorization": f"Bearer {API_TOKEN}"}
    asks = [
        ("/graphql", '{ units(parent: "") { code } }', "parent"),
        ("/graphql", '{ units(parent: "nope") { code } }', "parent"),
        ("/graphql", '{ articles(unit: "nope") { totalCount } }', "unit"),
        (
            "/api/graphql",
            '{ auditEntries(filter: {unitCode: "nope"}) { hasNextPage } }',
            "filter.unitCode",
        ),
        ("/api/graphql", '{ feedback(unit: "nope") { id } }', "unit"),
        ("/api/graphql", '{ quotaReport(unit: "nope") { period } }', "unit"),
        ("/api/graphql", '{ articles(unit: "nope") { totalCount } }', "unit"),
        ("/api/graphql", '{ unitTerms(unitCode: "nope") { term } }', "unitCode"),
        (
            "/api/graphql",
            "{ articles(first: 5) { edges { node { diff(fromRevision: 99) { field } } } } }",
            "fromRevision",
        ),
        (
            "/api/graphql",
            '{ articles(first: 5) { edges { node { changesSinceApproval(stepId: "x")'
            " { field } } } } }",
            "stepId",
        ),
        ("/api/graphql", '{ auditEntries(after: "99999999999999") { hasNextPage } }', "after"),
    ]
    for endpoint, query, argument in asks:
        headers = admin if endpoint == "/api/graphql" else {}
        body = app_client.post(endpoint, json={"query": query}, headers=headers).json()
        assert body["data"] is None, query
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert list(error["extensions"]["fields"]) == [argument], (query, error)


def test_text_no_database_can_hold_is_bad_input(app_client: TestClient) -> None:
    """A NUL ended as PostgreSQL's raw DataError in whichever resolver first reached SQL."""
    admin = {"Authorization": f"Bearer {API_TOKEN}"}
    asks = [
        ("/graphql", "query($s: String!) { article(slug: $s) { id } }", {"s": "a\u0000"}, "s"),
        ("/graphql", '{ article(slug: "a\\u0000") { id } }', {}, "slug"),
        (
            "/api/graphql",
            "mutation($id: ID!) { retractArticle(id: $id) { __typename } }",
            {"id": "\ud800"},
            "id",
        ),
    ]
    for endpoint, query, variables, argument in asks:
        headers = {
            **(admin if endpoint == "/api/graphql" else {}),
            "Content-Type": "application/json",
        }
        body = json.dumps({"query": query, "variables": variables})
        answer = app_client.post(endpoint, content=body, headers=headers).json()
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (query, error)
        assert list(error["extensions"]["fields"]) == [argument], (query, error)
