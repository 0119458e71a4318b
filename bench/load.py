"""Load run: the busiest pages under gunicorn with production settings, driven by wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/load.py

Needs a database filled by ``bench/generate_province.py`` and the ``wrk`` program. Collects the
static files, starts gunicorn (``--workers 3``, DEBUG off, on 127.0.0.1 only) with
``bench.settings`` (production settings plus the trivial view), logs each role in through the
login form, then per page: a warm-up, a measured run with 20 connections and no think time, and a
run with one connection for the latency a single user sees. The page's query count is taken in
this process with Django's test client. Prints a table and exits 1 when a page misses its budget.

The drafts it submits and the items it answers are made for the run and deleted after it.
"""

import argparse
import cProfile
import html.parser
import http.cookiejar
import os
import pstats
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The budget (issue 19): every GET page at 20 connections ≥ 100/s with no error, p95 ≤ 60 ms
# at 1 connection, ≤ 20 queries and as many for a county of 10 schools as for 1,000.
GET_MIN_RPS = 100
# The trivial view's rate on the machine the budget was set on (the issue): 100/s was 2.9 % of
# it. Machines differ (later runs here: 2,048/s, 1,438/s), so the table also says which pages
# reach that share of this run's trivial view.
REFERENCE_TRIVIAL_RPS = 3468
GET_MAX_P95_MS = 60
MAX_QUERIES = 20
MAX_OPTIONS = 200  # a page never sends a select of every school or inspector
POST_MIN_RPS = 30
POST_MAX_P95_MS = 150
EXPORT_MAX_P95_MS = 3000


@dataclass
class Page:
    name: str
    role: str  # a key of LOGINS, or "" for no login
    path: str
    method: str = "GET"
    expected: int = 200
    single_only: bool = False  # an export: only the one-connection run
    min_rps: float = GET_MIN_RPS
    max_p95_ms: float = GET_MAX_P95_MS
    compare_small: bool = False  # also count its queries for the county of 10 schools
    baseline: bool = False  # measured, not judged: the trivial view, figures counted afresh
    supply: list = field(default_factory=list)  # POST: paths not used yet, each taken once
    # POST: makes the supply just before the page's run. Made at the start, thousands of drafts
    # and open items in the big county would be in every GET page measured before it.
    prepare: Callable[[], None] | None = None
    result: dict = field(default_factory=dict)


def server_environment(args) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "STATIC_ROOT": args.static_root,
        "LOG_LEVEL": "ERROR",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


# Logging in, as a browser does ----------------------------------------------------------------


class FormReader(html.parser.HTMLParser):
    """The fields of each <form> of a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self._form.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self._form.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.append(tuple(self._textarea))
            self._textarea = None


def login_cookie(base: str, username: str, password: str) -> str:
    """The Cookie header of a session opened through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password}
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"login as {username} failed")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# What to load -------------------------------------------------------------------------------


def public_plaque(county, today):
    """A school's plaque, issued for the run if the generated county has none."""
    from inspectors.models import Plaque
    from inspectors.services import issue_plaques

    plaque = Plaque.objects.filter(county=county).order_by("pk").first()
    if plaque is None:
        school = county.schools.filter(is_active=True).order_by("pk").first()
        (plaque,) = issue_plaques(schools=[school], today=today)
    return plaque


def pages_and_fixtures(args, workdir: Path) -> tuple[dict, list[Page], dict]:
    """The logins, the pages and the POST fixtures (drafts to submit, items to step)."""
    from django.utils import timezone

    from accounts.models import User
    from bench import province
    from rectifications.models import RectificationItem
    from schools.models import Township
    from visits.models import Visit, VisitStatus

    logins = {
        "office": province.BIG_OFFICE,
        "small_office": province.SMALL_OFFICE,
        "inspector": province.BENCH_INSPECTOR,
        "principal": province.BENCH_PRINCIPAL,
        "province": province.PROVINCE_USER,
    }
    users = {role: User.objects.get(username=name) for role, name in logins.items()}
    office = users["office"]
    county = office.county
    township = Township.objects.filter(county=county).order_by("pk").first()
    small_township = Township.objects.filter(county=users["small_office"].county).first()
    today = timezone.localdate()
    month = f"{today:%Y-%m}"
    visit = (
        Visit.objects.filter(school__county=county, status=VisitStatus.SUBMITTED)
        .filter(problems__isnull=False)
        .order_by("-arrived_at")
        .first()
    )
    item = RectificationItem.objects.filter(county=county).order_by("-created_at").first()
    plaque = public_plaque(county, today)
    pages = [
        Page("trivial view", "", "/bench/trivial/", baseline=True),
        Page("office home", "office", "/", compare_small=True),
        Page(
            "schools, township filter",
            "office",
            "/schools/?township={township}",
            compare_small=True,
        ),
        Page("schools, search", "office", "/schools/?q=中心", compare_small=True),
        Page("coverage", "office", "/schools/coverage/", compare_small=True),
        Page("inspectors", "office", "/inspectors/", compare_small=True),
        Page("visits", "office", "/visits/", compare_small=True),
        Page(
            "visits, month + township",
            "office",
            f"/visits/?month={month}&township={{township}}",
            compare_small=True,
        ),
        Page("rectification board", "office", "/rectifications/", compare_small=True),
        Page(
            "board, overdue filter",
            "office",
            "/rectifications/?state=open&overdue=1",
            compare_small=True,
        ),
        Page("rectification summary", "office", "/rectifications/summary/", compare_small=True),
        Page("a visit's page", "office", f"/visits/{visit.pk}/"),
        Page("an item's page", "office", f"/rectifications/{item.pk}/"),
        Page("inspector home", "inspector", "/"),
        Page("inspector: my schools", "inspector", "/visits/mine/"),
        Page("inspector: my items", "inspector", "/rectifications/mine/"),
        Page("principal home", "principal", "/"),
        Page("principal: feedback", "principal", "/visits/feedback/"),
        Page("principal: our items", "principal", "/rectifications/ours/"),
        Page("plaques", "office", "/inspectors/plaques/", compare_small=True),
        Page("meetings", "office", "/meetings/", compare_small=True),
        Page("work notices", "office", "/meetings/notices/", compare_small=True),
        Page("public submissions", "office", "/complaints/", compare_small=True),
        Page("report dashboard", "office", "/reports/", compare_small=True),
        # The figures pages show figures counted at most the county's minutes ago
        # (dudao.snapshots): under load they are shown as kept. Counting afresh ("count again
        # now") is timed once a request at one connection, and not judged.
        Page(
            "report dashboard, counted afresh",
            "office",
            "/reports/?fresh=1",
            single_only=True,
            baseline=True,
        ),
        Page("province home", "province", "/"),
        Page("province: region dashboard", "province", "/reports/region/"),
        Page(
            "region dashboard, counted afresh",
            "province",
            "/reports/region/?fresh=1",
            single_only=True,
            baseline=True,
        ),
        Page("province: visits", "province", "/visits/"),
        Page("province: rectification board", "province", "/rectifications/"),
        # What a parent's phone opens from the QR code on the school gate, without a login.
        Page("public: a school's page", "", plaque.public_path),
        Page(
            "export: a month, .xlsx",
            "office",
            f"/visits/export/?month={month}&township={{township}}",
            single_only=True,
            max_p95_ms=EXPORT_MAX_P95_MS,
        ),
    ]
    for page in pages:
        path = urllib.parse.quote(page.path, safe="/?&={}")  # wrk sends the path as given
        page.small_path = path.replace("{township}", str(small_township.pk))
        page.path = path.replace("{township}", str(township.pk))

    state = {"users": users}
    if not args.skip_posts:
        # Other people of the big county than the measured ones: thousands of drafts and open
        # items would change what the inspector's and the principal's own pages show.
        poster, school_user = posting_users(office.county, users)
        logins.update(poster=poster.username, school_user=school_user.username)
        users.update(poster=poster, school_user=school_user)
        submit = post_page("POST submit a visit (2 problems)", "poster", workdir / "visit.body")
        step = post_page("POST a rectification plan", "school_user", workdir / "step.body")

        def make_submit_supply():
            drafts = state["drafts"] = make_drafts(poster, args.post_supply, today)
            (workdir / "visit.body").write_text(visit_submit_body(poster, drafts[0]))
            submit.supply = [f"/visits/{pk}/edit/" for pk in drafts[1:]]

        def make_step_supply():
            items = state["items"] = make_open_items(school_user, poster, args.post_supply, today)
            plan = urllib.parse.quote("已制定整改方案，明确责任人和完成时间。")
            # The step forms are prefixed with their action (rectifications.forms).
            (workdir / "step.body").write_text(f"plan_submitted-text={plan}")
            step.supply = [f"/rectifications/{pk}/step/plan_submitted/" for pk in items]

        submit.prepare, step.prepare = make_submit_supply, make_step_supply
        pages += [submit, step]
    return logins, pages, state


def post_page(name: str, role: str, body: Path) -> Page:
    """A POST run sending ``body`` to each path of its supply, once."""
    return Page(
        name,
        role,
        str(body),
        method="POST",
        expected=302,
        min_rps=POST_MIN_RPS,
        max_p95_ms=POST_MAX_P95_MS,
    )


def posting_users(county, users: dict):
    """An inspector with schools and a principal of the county, neither of them measured."""
    from accounts.models import Role, User
    from inspectors.models import Assignment

    measured = [user.pk for user in users.values()]
    covering = Assignment.objects.current().values("inspector_id")
    poster = (
        User.objects.filter(county=county, role=Role.INSPECTOR, inspector_id__in=covering)
        .exclude(pk__in=measured)
        .order_by("pk")
        .first()
    )
    # The items the step run answers stay at this principal's school: not one of the measured
    # inspector's, whose list would grow by thousands of items run after run.
    measured_schools = Assignment.objects.current().filter(
        inspector_id=users["inspector"].inspector_id
    )
    school_user = (
        User.objects.filter(county=county, role=Role.PRINCIPAL)
        .exclude(pk__in=measured)
        .exclude(school_id__in=measured_schools.values("school_id"))
        .order_by("pk")
        .first()
    )
    return poster, school_user


def make_drafts(inspector_user, count: int, today) -> list[int]:
    """Drafts of the bench inspector at their schools, for the submit run to submit."""
    import datetime

    from inspectors.models import Assignment
    from visits.models import SHANGHAI, Visit

    schools = list(
        Assignment.objects.current()
        .filter(inspector_id=inspector_user.inspector_id)
        .values_list("school_id", flat=True)
    )
    from django.utils import timezone

    arrived = timezone.now().astimezone(SHANGHAI).replace(second=0, microsecond=0)
    arrived -= datetime.timedelta(hours=1)
    drafts = Visit.objects.bulk_create(
        Visit(
            school_id=schools[number % len(schools)],
            county_id=inspector_user.county_id,  # bulk_create does not call save()
            inspector_id=inspector_user.inspector_id,
            arrived_at=arrived,
            created_by=inspector_user,
        )
        for number in range(count)
    )
    return [draft.pk for draft in drafts]


def visit_submit_body(inspector_user, draft_pk: int) -> str:
    """The record form as the inspector's phone sends it on 'submit', with two problems."""
    from django.test import Client

    from schools.models import SupervisionMatter

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(inspector_user)
    response = client.get(f"/visits/{draft_pk}/edit/")
    reader = FormReader()
    reader.feed(response.content.decode())
    fields = next(form for form in reader.forms if any(n == "matters-TOTAL_FORMS" for n, _ in form))
    data = [(name, value) for name, value in fields if not name.startswith("problems-")]
    data = [
        (n, v)
        for n, v in data
        if n not in ("methods", "feedback_to_school", "action") and not n.endswith("-judgement")
    ]
    matters = list(
        SupervisionMatter.objects.filter(county_id=inspector_user.county_id).order_by("number")
    )
    data += [
        ("methods", "campus_tour"),
        ("methods", "document_review"),
        ("feedback_to_school", "已当场向校长反馈督导情况。"),
        ("problems-TOTAL_FORMS", "2"),
        ("problems-INITIAL_FORMS", "0"),
        ("problems-MIN_NUM_FORMS", "0"),
        ("problems-MAX_NUM_FORMS", "50"),
        ("action", "submit"),
    ]
    data += [
        (f"matters-{number}-judgement", "problem" if number in (5, 6) else "good")
        for number in range(len(matters))
    ]
    for number, matter in enumerate(matters[5:7]):
        data += [
            (f"problems-{number}-matter", str(matter.pk)),
            (f"problems-{number}-severity", "general"),
            (f"problems-{number}-description", "消防通道堆放杂物。"),
            (f"problems-{number}-required_change", "立即清理。"),
        ]
    body = urllib.parse.urlencode(data)
    check = client.post(
        f"/visits/{draft_pk}/edit/", body, content_type="application/x-www-form-urlencoded"
    )
    if check.status_code != 302 or "/edit/" in check["Location"]:
        raise SystemExit(f"the submit body does not submit a draft: {check.status_code}")
    return body


def make_open_items(principal, inspector_user, count: int, today) -> list[int]:
    """Open items at the bench principal's school, for the step run to answer with a plan."""
    import datetime

    from rectifications.models import (
        EventAction,
        RectificationEvent,
        RectificationItem,
        SourceKind,
    )
    from schools.models import SupervisionMatter

    matter = SupervisionMatter.objects.filter(county_id=principal.county_id).first()
    items = RectificationItem.objects.bulk_create(
        RectificationItem(
            county_id=principal.county_id,
            school_id=principal.school_id,
            matter=matter,
            description="部分灭火器过期。",
            deadline=today + datetime.timedelta(days=30),
            source=SourceKind.SPECIAL,
            responsible_inspector_id=inspector_user.inspector_id,
            created_by=inspector_user,
        )
        for _number in range(count)
    )
    RectificationEvent.objects.bulk_create(
        RectificationEvent(
            item=item, actor=inspector_user, action=EventAction.OPENED, to_state="open"
        )
        for item in items
    )
    return [item.pk for item in items]


def remove_fixtures(state: dict) -> None:
    """Whatever the run made goes: its drafts, the visits it submitted with their problems and
    rectification items, and the items it answered. Left behind, they changed what the next run
    measured (thousands more visits and items in the big county each run)."""
    from django.db.models import Q

    from rectifications.models import RectificationEvent, RectificationItem
    from visits.models import Visit, VisitProblem

    visits = Visit.objects.filter(pk__in=state.get("drafts", []))
    items = RectificationItem.objects.filter(Q(pk__in=state.get("items", [])) | Q(visit__in=visits))
    VisitProblem.objects.filter(visit__in=visits).delete()  # they point at the items
    RectificationEvent.objects.filter(item__in=items).delete()
    items.delete()
    visits.delete()


def count_queries(pages: list[Page], users: dict, repeat: int = 5) -> None:
    """Each page's queries on its second request (the first fills per-process caches), and the
    median over ``repeat`` requests of the CPU time this process spent on it and the time its
    queries took: figures that a busy machine (other processes on the cores) changes far less
    than it changes the load run's."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for page in pages:
        if page.method != "GET":
            continue
        runs = [("queries", page.role, page.path)]
        if page.compare_small:
            runs.append(("queries_small", "small_office", page.small_path))
        for key, role, path in runs:
            client = Client(HTTP_HOST="127.0.0.1")
            if role:
                client.force_login(users[role])
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            page.result[key] = len(queries)
            if key == "queries" and not response.streaming:
                page.result["options"] = response.content.count(b"<option")
            if response.status_code != page.expected:
                page.result["status"] = response.status_code
            if key != "queries":
                continue
            cpu, sql = [], []
            for _run in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    started = time.process_time()
                    client.get(path)
                    cpu.append(time.process_time() - started)
                sql.append(sum(float(query["time"]) for query in queries.captured_queries))
            page.result["cpu_ms"] = statistics.median(cpu) * 1000
            page.result["sql_ms"] = statistics.median(sql) * 1000
            page.result["kcalls"] = python_calls(client, path) / 1000


def python_calls(client, path: str) -> int:
    """The Python function calls one request makes: unlike time, the same however busy the
    machine is, so a change's effect shows in a single run."""
    profile = cProfile.Profile()
    profile.runcall(client.get, path)
    return pstats.Stats(profile).total_calls


# Running ----------------------------------------------------------------------------------


def run_wrk(args, page: Page, cookie: str, *, connections: int, seconds: float) -> dict:
    threads = min(connections, 2)
    command = [
        args.wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{round(seconds)}s",
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
        f"http://127.0.0.1:{args.port}",
        "--",
        cookie or "none=1",
        page.method,
        page.path,
        str(page.expected),
    ]
    if page.method == "POST":
        paths = Path(page.path).with_suffix(".paths")
        paths.write_text("\n".join(page.supply) + "\n")
        # The form's CSRF token is the logged-in session's own (the cookie's secret is a valid
        # token), as the browser that holds the cookie would send it.
        secret = re.search(r"csrftoken=([^;]+)", cookie)[1]
        body = Path(page.path).with_suffix(".sent")
        fields = [(n, v) for n, v in urllib.parse.parse_qsl(Path(page.path).read_text())]
        fields = [(n, v) for n, v in fields if n != "csrfmiddlewaretoken"]
        body.write_text(urllib.parse.urlencode([("csrfmiddlewaretoken", secret), *fields]))
        command[command.index(page.path)] = str(paths)
        command += [str(body), str(threads)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        raise SystemExit(f"wrk failed: {finished.stderr or finished.stdout}")
    output = finished.stdout
    if os.environ.get("BENCH_VERBOSE"):
        print(" ".join(command), output, sep="\n")
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    values = dict(pair.split("=") for pair in line.split()[1:])
    result = {key: int(value) for key, value in values.items()}
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    drain(f"http://127.0.0.1:{args.port}")
    if page.method == "POST":
        # Requests still in flight when wrk stopped may have been served: skip those too.
        del page.supply[: result["requests"] + 2 * connections]
    result["errors"] = result["socket_errors"] + result["unexpected"]
    return result


def drain(base: str) -> None:
    """Wait until gunicorn has served what an earlier run left queued (wrk stops sending, not
    the server serving): three quick answers in a row from the trivial view."""
    quick = 0
    deadline = time.monotonic() + 300
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        urllib.request.urlopen(f"{base}/bench/trivial/", timeout=300).read()
        quick = quick + 1 if time.monotonic() - started < 0.1 else 0


def wait_for(base: str, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped; see its output above")
        try:
            urllib.request.urlopen(f"{base}/bench/trivial/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def verdict(page: Page) -> list[str]:
    r = page.result
    misses = []
    if r.get("status"):
        misses.append(f"HTTP {r['status']}")
    if not page.single_only and r.get("rps", 0) < page.min_rps:
        misses.append(f"<{page.min_rps:.0f}/s")
    if r.get("errors", 0) or r.get("errors_single", 0):
        misses.append("errors")
    if r.get("p95_single_ms", 0) > page.max_p95_ms:
        misses.append(f"p95>{page.max_p95_ms:.0f}ms")
    if page.method == "GET" and not page.baseline:
        if r.get("queries", 0) > MAX_QUERIES:
            misses.append(f">{MAX_QUERIES} queries")
        if "queries_small" in r and r["queries_small"] != r["queries"]:
            misses.append("queries grow")
    if r.get("options", 0) > MAX_OPTIONS:
        misses.append(f"{r['options']} <option>s")
    return misses


def print_table(pages: list[Page], trivial_rps: float) -> int:
    header = (
        f"{'page':34} {'p50':>6} {'p95':>6} {'req/s':>7} {'err':>4} {'p95@1':>6} "
        f"{'queries':>8} {'cpu':>5} {'sql':>5} {'kcalls':>6} {'of trivial':>10}  verdict"
    )
    print(header)
    print("-" * len(header))
    failures = 0
    for page in pages:
        r = page.result
        queries = str(r.get("queries", "")) if page.method == "GET" and not page.baseline else ""
        if "queries_small" in r:
            queries += f"/{r['queries_small']}"
        misses = [] if page.baseline else verdict(page)
        failures += bool(misses)
        share = f"{r['rps'] / trivial_rps:.1%}" if r.get("rps") and trivial_rps else ""
        print(
            f"{page.name:34} {r.get('p50_ms', 0):6.1f} {r.get('p95_ms', 0):6.1f} "
            f"{r.get('rps', 0):7.1f} {r.get('errors', 0) + r.get('errors_single', 0):4d} "
            f"{r.get('p95_single_ms', 0):6.1f} {queries:>8} {r.get('cpu_ms', 0):5.1f} "
            f"{r.get('sql_ms', 0):5.1f} {r.get('kcalls', 0):6.1f} {share:>10}  "
            f"{', '.join(misses) or 'ok'}"
        )
    judged = [p for p in pages if p.method == "GET" and not p.baseline and not p.single_only]
    share = GET_MIN_RPS / REFERENCE_TRIVIAL_RPS
    if trivial_rps and judged:
        reaching = [p.name for p in judged if p.result.get("rps", 0) >= share * trivial_rps]
        print(
            f"At least {share:.1%} of the trivial view ({GET_MIN_RPS}/s of its "
            f"{REFERENCE_TRIVIAL_RPS:,}/s where the budget was set): {len(reaching)} of "
            f"{len(judged)} GET pages; below it: "
            f"{', '.join(p.name for p in judged if p.name not in reaching) or 'none'}"
        )
    print(
        "p50/p95 in ms at 20 connections; p95@1 at one connection; queries: the big county "
        "(1,000 schools) / the small one (10);\ncpu and sql: ms of Python CPU and of query time "
        "per request in this process (median of 5, Django's test client);\nkcalls: thousands of "
        "Python function calls per request (cProfile), which the machine's load does not change"
    )
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--single", type=int, default=10, help="seconds at one connection")
    parser.add_argument("--only", default="", help="run only pages whose name contains this")
    parser.add_argument("--skip-posts", action="store_true")
    parser.add_argument(
        "--in-process", action="store_true", help="only the query counts and CPU times, no wrk"
    )
    parser.add_argument("--post-supply", type=int, default=8000, help="drafts and items to make")
    # Production queues tasks in Redis; with no worker in the run they wait there and the queue
    # is dropped at the end. An empty value runs tasks inside the requests instead.
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    args = parser.parse_args()
    args.skip_posts = args.skip_posts or args.in_process
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to the PostgreSQL database of generate_province.py")
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    workdir = Path(tempfile.mkdtemp(prefix="dudao-load-"))
    args.static_root = str(workdir / "static")
    env = server_environment(args)
    setup_django(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # the tree may have moved on since the generator ran
    call_command("collectstatic", interactive=False, verbosity=0)
    vacuum()
    logins, pages, state = pages_and_fixtures(args, workdir)
    try:
        return run_pages(args, env, logins, pages, state)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        remove_fixtures(state)


def vacuum() -> None:
    """What a live database's autovacuum would have done since the last run's writes (its
    drafts, submissions and steps): index-only scans read the heap for every row changed since
    the last VACUUM, so back-to-back runs would otherwise measure different databases."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def run_pages(args, env: dict, logins: dict, pages: list[Page], state: dict) -> int:
    """Count each page's queries here, then load it through gunicorn; 1 when a budget is missed."""
    if args.only:
        pages = [p for p in pages if args.only in p.name or p.name == "trivial view"]
    count_queries(pages, state["users"])
    if args.in_process:
        print_table(pages, 0)
        return 0
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "dudao.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        wait_for(base, server)
        password = __import__("bench.province", fromlist=["PASSWORD"]).PASSWORD
        cookies = {role: login_cookie(base, name, password) for role, name in logins.items()}
        cookies[""] = ""
        for page in pages:
            cookie = cookies[page.role]
            if page.prepare:
                page.prepare()
            if not page.single_only:
                run_wrk(args, page, cookie, connections=args.connections, seconds=args.warmup)
                busy = run_wrk(
                    args, page, cookie, connections=args.connections, seconds=args.duration
                )
                page.result.update(
                    rps=busy["rps"],
                    errors=busy["errors"],
                    p50_ms=busy["p50_us"] / 1000,
                    p95_ms=busy["p95_us"] / 1000,
                )
            single = run_wrk(args, page, cookie, connections=1, seconds=args.single)
            page.result.update(
                p95_single_ms=single["p95_us"] / 1000, errors_single=single["errors"]
            )
            if page.single_only:
                page.result.update(p50_ms=single["p50_us"] / 1000, p95_ms=single["p95_us"] / 1000)
            print(f"  measured {page.name}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if args.redis_url:
            import redis

            redis.Redis.from_url(args.redis_url).delete("celery")
    trivial = next((p for p in pages if p.name == "trivial view"), None)
    trivial_rps = trivial.result.get("rps", 0) if trivial else 0
    print(
        f"\n{os.cpu_count()} CPUs; gunicorn --workers {args.workers}; {args.connections} "
        f"connections, {args.warmup:g} s warm-up, {args.duration:g} s measured, "
        f"{args.single:g} s at one connection\n"
    )
    failures = print_table(pages, trivial_rps)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
