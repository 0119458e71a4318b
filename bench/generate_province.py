"""Fill a database with a made-up province for the load benchmark (see bench/province.py).

    createdb -h 127.0.0.1 -U postgres dudao_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench \\
        .venv/bin/python bench/generate_province.py --size province

Migrates the database first. Refuses a database that already holds schools unless ``--flush``
empties it. Every generated login's password is ``dudao-bench-2026``; the load run's logins are
printed at the end.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
# Production-like: no query log kept in memory while millions of rows go in.
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "bench-generator-only-not-a-real-secret-key-0123456789")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench import province  # noqa: E402
from schools.models import School  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(province.SIZES), default="province")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--flush", action="store_true", help="empty the database first")
    args = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    if args.flush:
        call_command("flush", interactive=False, verbosity=0)
    elif School.objects.exists():
        print("The database already holds schools; use --flush to empty it first.")
        return 1
    counts = province.generate(args.size, seed=args.seed, today=args.today, progress=print)
    province.analyze()
    for label, count in counts.items():
        print(f"{label:40} {count:>10,}")
    print(f"{'total rows':40} {sum(counts.values()):>10,}")
    print(f"done in {time.monotonic() - started:.0f} s; password {province.PASSWORD!r} for")
    for username in (
        province.BIG_OFFICE,
        province.SMALL_OFFICE,
        province.BENCH_INSPECTOR,
        province.BENCH_PRINCIPAL,
    ):
        print(f"  {username}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
