"""The worker's two big jobs on the province, each timed in a process of its own so that its peak
memory is its own: a county's monthly report and the province's year of visits as .xlsx.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/jobs.py

Budgets (issue 19): the report in at most 5 s; the export in at most 60 s and 300 MB. The tasks
run as the worker runs them (``reports.tasks``), on the load run's big county and with the
province login's permissions. Each run stores one more report version and one more export.
Exits 1 when a job misses its budget.
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGETS = {"report": (5, None), "export": (60, 300)}  # seconds, megabytes


def run(job: str) -> dict:
    """In this process: queue and run ``job`` as the worker would; what it took."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("SECRET_KEY", "bench-jobs-only-not-a-real-secret-key-0123456789abcdef")
    os.environ.pop("REDIS_URL", None)  # the task runs here, when its row is committed
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)  # the tree may have moved on since the generator ran

    from accounts.models import User
    from bench import province
    from bench.load import vacuum
    from reports import services
    from reports.models import ExportJob, JobState, MonthlyReport
    from reports.periods import last_full_month
    from visits.models import Visit

    vacuum()  # after the load run's writes, as autovacuum would on a live database
    started = time.monotonic()
    if job == "report":
        county = User.objects.get(username=province.BIG_OFFICE).county
        period = last_full_month(timezone.localdate())
        report, _created = services.request_monthly_report(county=county, period=period)
        done = MonthlyReport.objects.get(pk=report.pk)
        rows = None
    else:
        user = User.objects.get(username=province.PROVINCE_USER)
        rows = Visit.objects.for_user(user).count()
        exported = services.queue_export(
            kind="visits", query="", rows=rows, filename="visits.xlsx", user=user
        )
        done = ExportJob.objects.get(pk=exported.pk)
    seconds = time.monotonic() - started
    return {
        "job": job,
        "seconds": round(seconds, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "state": done.state,
        "ok": done.state == JobState.DONE,
        "rows": rows,
        "file_mb": round(done.file.size / 2**20, 1) if done.file else 0,
    }


def main() -> int:
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return 0
    failures = 0
    for job, (max_seconds, max_mb) in BUDGETS.items():
        output = subprocess.run(
            [sys.executable, __file__, job], capture_output=True, text=True, check=True
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        misses = []
        if not result["ok"]:
            misses.append(f"state {result['state']}")
        if result["seconds"] > max_seconds:
            misses.append(f">{max_seconds} s")
        if max_mb and result["peak_mb"] > max_mb:
            misses.append(f">{max_mb} MB")
        failures += bool(misses)
        rows = f", {result['rows']:,} rows" if result["rows"] else ""
        print(
            f"{job:7} {result['seconds']:6.1f} s  peak {result['peak_mb']:4d} MB  "
            f"file {result['file_mb']} MB{rows}  {', '.join(misses) or 'ok'}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
