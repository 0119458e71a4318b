"""No value from a request reaches template compilation.

crispy's ``HTML()`` and Django's ``Template()`` compile their string: a ``?next=`` placed in one
would be evaluated (``{{ request.COOKIES.sessionid }}`` came out this way once). Two guards:
every URL of the URL-by-role table is requested with template syntax in every query parameter
its view reads, and the source may only hand those two a literal string.
"""

import ast
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.urls import reverse

from tests.test_url_matrix import CASES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Evaluated, these read "42~" and "DUDAOINJ"; escaped as text, neither appears. "~" is in no
# token the pages carry (a form token once held "42x" by chance and failed the test).
PAYLOAD = '{{7|add:35}}~{{"dudaoinj"|upper}}'
EVALUATED = ("42~", "DUDAOINJ")
ALWAYS_PROBED = ("next", "cancel", "q", "page", "county")
ROLE_PREFERENCE = ("office", "inspector", "principal", "committee", "other_office", "superuser")


class RecordingQueryDict(QueryDict):
    """A query dict that remembers every key a view asked it for."""

    read: set[str] = set()

    def __getitem__(self, key):
        RecordingQueryDict.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        RecordingQueryDict.read.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        RecordingQueryDict.read.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        RecordingQueryDict.read.add(key)
        return super().__contains__(key)


class RecordingGet:
    """Stands in for ``WSGIRequest.GET`` (a cached property) during these tests."""

    def __get__(self, request, owner=None):
        if request is None:
            return self
        query = RecordingQueryDict(request.META.get("QUERY_STRING", ""), encoding="utf-8")
        request.__dict__["GET"] = query
        return query


def _role_for(case):
    return next(role for role in ROLE_PREFERENCE if role in case.allowed) if case.allowed else None


def _request(client, method, url, params):
    if method == "get":
        return client.get(url, params)
    return client.post(f"{url}?{QueryDict.fromkeys(params, PAYLOAD).urlencode()}")


def _text(response) -> str:
    body = b"" if getattr(response, "streaming", False) else response.content
    return body.decode("utf-8", "replace") + response.get("Location", "")


@pytest.mark.parametrize(
    "name", sorted(n for n, c in CASES.items() if c is not None and _role_for(c) is not None)
)
def test_template_syntax_in_query_parameters_is_never_evaluated(
    client, personas, monkeypatch, name
):
    monkeypatch.setattr(WSGIRequest, "GET", RecordingGet())
    case = CASES[name]
    role = _role_for(case)
    user = personas.by_role()[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=case.kwargs(personas))

    # First learn which parameters the view reads, then send the payload in all of them.
    RecordingQueryDict.read = set()
    _request(client, "get", url, {})
    params = dict.fromkeys({*ALWAYS_PROBED, *RecordingQueryDict.read}, PAYLOAD)
    response = _request(client, case.method, url, params)

    assert response.status_code < 500, f"{name} as {role}: {response.status_code}"
    text = _text(response)
    for evaluated in EVALUATED:
        assert evaluated not in text, f"{name} as {role} evaluated the payload: {evaluated}"


def test_the_probe_sees_an_evaluating_view(rf):
    """The probe itself works: a view that compiles a parameter is caught."""
    from django.template import Context, Template

    request = rf.get("/", {"next": PAYLOAD})
    rendered = Template(request.GET["next"]).render(Context())
    assert any(evaluated in rendered for evaluated in EVALUATED)


# --- The source: HTML(), Template() and mark_safe() only ever get a literal string. ---

COMPILING_CALLS = {"HTML", "Template", "mark_safe"}
# Every package and script folder of the project, present and future.
SOURCE_DIRS = sorted(
    path.name
    for path in ROOT.iterdir()
    if path.is_dir() and path.name not in {"tests", ".venv"} and any(path.glob("*.py"))
)


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def compiling_calls_with_values(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _called_name(node) in COMPILING_CALLS:
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            if not arguments or not all(_is_literal(argument) for argument in arguments):
                found.append(f"{filename}:{node.lineno} {_called_name(node)}(...)")
    return found


def test_no_template_compilation_of_values_anywhere_in_the_project():
    assert {"dudao", "accounts", "visits", "meetings", "bench"} <= set(SOURCE_DIRS)
    offenders = []
    for directory in SOURCE_DIRS:
        for path in sorted((ROOT / directory).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = str(path.relative_to(ROOT))
            offenders += compiling_calls_with_values(path.read_text(encoding="utf-8"), relative)
    assert not offenders, "pass values through the context instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "source",
    [
        "HTML(format_html('<a href=\"{}\">x</a>', url))",
        "HTML(cancel)",
        "Template(request.GET['t'])",
        "mark_safe(value)",
        "layout.HTML(f'<b>{name}</b>')",
    ],
)
def test_the_source_check_catches_non_literal_arguments(source):
    assert compiling_calls_with_values(source, "probe.py")


def test_the_source_check_allows_literals():
    assert not compiling_calls_with_values("HTML('<hr>')\nTemplate('{{ x }}')", "probe.py")
