"""Shared fixtures: fixed personas per role, and the rules for tests needing part of the stack.

Tests marked ``postgres``, ``redis`` or ``browser`` skip with a reason when the stack lacks that
part; with ``DUDAO_REQUIRE_ALL=1`` (set by ``.ci/run``) such a skip is a failure instead.
"""

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections

from accounts.models import Role, User
from schools.models import Region, RegionKind
from tests import factories

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_ALL = os.environ.get("DUDAO_REQUIRE_ALL") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = factories.PASSWORD


def _run_is_alive(folder: Path) -> bool:
    try:
        os.kill(int(folder.name.removeprefix("media-")), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        pass
    return True


def pytest_sessionstart(session):
    """Clear the uploads of earlier runs that are over (dudao/test_settings.py gives each run its
    own folder), so test-artifacts/ does not grow by a thousand files a run."""
    from django.conf import settings

    artifacts = Path(settings.MEDIA_ROOT).parent
    if artifacts.name != "test-artifacts" or not artifacts.is_dir():  # never a real MEDIA_ROOT
        return
    for folder in artifacts.glob("media*"):
        if folder != Path(settings.MEDIA_ROOT) and not _run_is_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)


def pytest_sessionfinish(session, exitstatus):
    """A run that passed leaves no uploads behind; a failed run keeps them to look into."""
    from django.conf import settings

    media = Path(settings.MEDIA_ROOT)
    if exitstatus == 0 and media.parent.name == "test-artifacts":
        shutil.rmtree(media, ignore_errors=True)


def skip_or_fail(reason: str):
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (DUDAO_REQUIRE_ALL=1 turns this skip into a failure)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _stack_requirements(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        skip_or_fail("needs Redis: set REDIS_URL=redis://...")
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        skip_or_fail(f"needs Chromium at {CHROMIUM}")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: nothing kept by an earlier test (figures counted
    for a county whose key a later one reuses, a rate limit's count) shows through."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after():
    """A request in English leaves the thread's language English (the locale middleware
    activates it and nothing switches back); what a later test writes outside a request (a
    plaque's printed snapshot, a notification) would then be in English."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _root_logger_level_kept():
    """A Celery worker started by a test sets the root logger's level (to ERROR), and a logging
    set-up run in-process may disable existing loggers; undo both, so the warnings later tests
    look for are not dropped, whatever order the tests run in."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False


@dataclass
class Personas:
    """One fixed person per role, and rows from other scopes to probe with."""

    county: object
    other_county: object
    school_a: object  # principal's school
    school_b: object  # inspector's school
    other_school: object  # in the other county
    inspector: object
    other_inspector: object
    principal: User
    inspector_user: User
    office: User
    committee: User
    other_office: User
    superuser: User
    region: User  # 西宁市: reads the county (not the other one), changes nothing

    def by_role(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "principal": self.principal,
            "inspector": self.inspector_user,
            "committee": self.committee,
            "other_office": self.other_office,
            "office": self.office,
            "superuser": self.superuser,
            "region": self.region,
        }


@pytest.fixture
def personas(db) -> Personas:
    region = Region.objects.create(code="630100", name="西宁市", kind=RegionKind.CITY)
    county = factories.CountyFactory(code="630122", name="湟中县", region=region)
    other = factories.CountyFactory(code="320482", name="金坛区", city="常州市", province="江苏省")
    township = factories.TownshipFactory(county=county, name="鲁沙尔镇")
    school_a = factories.SchoolFactory(county=county, township=township, name="鲁沙尔镇中心学校")
    school_b = factories.SchoolFactory(county=county, township=township, name="鲁沙尔镇第二小学")
    other_school = factories.SchoolFactory(county=other, name="河滨小学")
    inspector = factories.InspectorFactory(county=county, name="李督学")
    other_inspector = factories.InspectorFactory(county=other, name="周督学")
    factories.AssignmentFactory(inspector=inspector, school=school_b)
    factories.AssignmentFactory(inspector=other_inspector, school=other_school)
    make = factories.UserFactory
    return Personas(
        county=county,
        other_county=other,
        school_a=school_a,
        school_b=school_b,
        other_school=other_school,
        inspector=inspector,
        other_inspector=other_inspector,
        principal=make(username="principal", county=county, role=Role.PRINCIPAL, school=school_a),
        inspector_user=make(
            username="inspector", county=county, role=Role.INSPECTOR, inspector=inspector
        ),
        office=make(username="office", county=county, role=Role.OFFICE),
        committee=make(username="committee", county=county, role=Role.COMMITTEE),
        other_office=make(username="other_office", county=other, role=Role.OFFICE),
        superuser=User.objects.create_superuser("root", "root@example.com", PASSWORD),
        region=make(username="region", county=None, region=region, role=Role.REGION),
    )


@pytest.fixture
def draft(personas):
    """A visit draft of the persona inspector at school B."""
    from tests.factories_visits import matrix_draft_visit

    return matrix_draft_visit(personas)


@pytest.fixture
def inspector_client(client, personas):
    client.force_login(personas.inspector_user)
    return client


@pytest.fixture
def browser():
    """A headless Debian Chromium driven by Playwright; never downloads a browser."""
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"needs Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("needs the playwright package")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield instance
        instance.close()
        # Code run while Playwright is active gets its own database connection (Playwright's
        # greenlet has its own context); close it here or PostgreSQL keeps the test DB in use.
        connections.close_all()


@pytest.fixture
def phone_page(browser, live_server):
    """A 375-px-wide phone page speaking Chinese, with CSP violations collected."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", device_scale_factor=2
    )
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: (
            page.csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    yield page
    context.close()
