"""Imports go one way: dudao <- accounts <- schools <- inspectors <- visits <- rectifications
<- meetings/complaints <- reports. A module may import its own app and the apps below it.

The first release grew a few upward imports before this rule had a test; they are listed below
with the reason each still stands, so the list can only shrink: any new upward import fails.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYER = {
    "dudao": 0,
    "accounts": 1,
    "schools": 2,
    "inspectors": 3,
    "visits": 4,
    "rectifications": 5,
    "meetings": 6,
    "complaints": 6,
    "reports": 7,
}
# The project's URL configuration and Celery app sit above every app by nature.
PROJECT_WIRING = {"dudao/urls.py", "dudao/celery.py"}
KNOWN_UPWARD = {
    # The office creates inspectors' and principals' logins: account management reads both.
    ("accounts/forms.py", "inspectors"),
    ("accounts/forms.py", "schools"),
    ("accounts/services.py", "inspectors"),
    ("accounts/services.py", "schools"),
    ("accounts/views.py", "inspectors"),
    ("accounts/views.py", "schools"),
    # The registry's import files, coverage and plaque counts read assignments.
    ("schools/importing/assignments_file.py", "inspectors"),
    ("schools/importing/inspectors_file.py", "inspectors"),
    ("schools/models.py", "inspectors"),
    ("schools/services.py", "inspectors"),
    ("schools/views.py", "inspectors"),
    # seed_demo (in schools) lays out the whole demo county, people and meetings included.
    ("schools/demo/huangzhong.py", "inspectors"),
    ("schools/demo/huangzhong.py", "meetings"),
    ("schools/demo/jintan.py", "inspectors"),
    ("schools/demo/logins.py", "inspectors"),
    ("schools/demo/logins.py", "meetings"),
    ("schools/demo/plan.py", "inspectors"),
    ("schools/demo/plan.py", "meetings"),
    # A visit's problem rows become rectification items in the submission's transaction.
    ("visits/demo.py", "rectifications"),
    ("visits/forms.py", "rectifications"),
    ("visits/models.py", "rectifications"),
    ("visits/views.py", "rectifications"),
}


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & LAYER.keys()


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for app, layer in LAYER.items():
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or relative in PROJECT_WIRING:
                continue
            for imported in _imported_apps(path):
                if imported != app and LAYER[imported] >= layer:
                    found.add((relative, imported))
    return found


def test_no_new_upward_import():
    new = sorted(upward_imports() - KNOWN_UPWARD)
    assert not new, "imports must go down the layers; move the shared code down instead:\n" + (
        "\n".join(f"{module} imports {app}" for module, app in new)
    )


def test_the_known_exceptions_still_exist():
    """Once an exception is fixed, its line goes too, so the list only shrinks."""
    gone = sorted(KNOWN_UPWARD - upward_imports())
    assert not gone, f"remove these fixed exceptions from KNOWN_UPWARD: {gone}"
