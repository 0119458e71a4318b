"""Benchmark: time the busiest pages on the demo county and count their queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench make bench

Runs ``migrate`` and ``seed_demo`` on the database named by DATABASE_URL (default: a throwaway
SQLite file), then requests each page ``--repeat`` times as the demo user of that page's role and
prints the median and worst time and the query count. Exits 1 when a page exceeds its budget.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
os.environ.setdefault("DEBUG", "True")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'dudao-bench.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# (role's demo login, path, budget in milliseconds for the median on this 2-core machine)
PAGES = [
    ("office", "/", 400),
    ("office", "/schools/", 300),
    ("office", "/schools/?q=中心", 300),
    ("office", "/schools/coverage/", 500),
    ("office", "/inspectors/", 300),
    ("office", "/visits/", 400),
    ("office", "/rectifications/", 400),
    ("office", "/rectifications/summary/", 600),
    ("inspector", "/", 300),
    ("inspector", "/visits/mine/", 300),
    ("principal", "/", 300),
    ("principal", "/visits/feedback/", 300),
]
MAX_QUERIES = 40


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, force=True)
    failures = 0
    print(f"{'page':45} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for username, path, budget in PAGES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.login(username=username, password="dudao-demo-2026")
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                print(f"{username} {path}: HTTP {response.status_code}")
                return 1
        median = statistics.median(times)
        over = median > budget or len(queries) > MAX_QUERIES
        failures += over
        flag = "  OVER BUDGET" if over else ""
        label = f"{username} {path}"
        print(f"{label:45} {median:10.1f} {max(times):8.1f} {len(queries):8d}{flag}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
