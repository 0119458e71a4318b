import datetime
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from reports.monthly import build_workbook
from reports.periods import Period
from schools.models import County


class Command(BaseCommand):
    help = (
        "Compile a county's monthly report (督导月报) into an .xlsx file, as the worker does, "
        "e.g. --county 630122 --month 2026-10 --output 月报.xlsx. Nothing is stored as issued."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="The county's 6-digit division code.")
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--output", required=True, help="Where to write the .xlsx file.")

    def handle(self, *args, county: str, month: str, output: str, **options):
        found = County.objects.select_related("settings").filter(code=county.strip()).first()
        if found is None:
            raise CommandError(f"没有行政区划代码为 {county} 的县（区）。")
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", month.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise CommandError(f"月份“{month}”应写作 YYYY-MM，例如 2026-10。")
        period = Period.month(int(match[1]), int(match[2]))
        if period.start > timezone.localdate():
            raise CommandError(f"{period.key} 还没有开始。")
        started = datetime.datetime.now()
        with translation.override(settings.LANGUAGE_CODE):
            content = build_workbook(found, period)
        path = Path(output)
        path.write_bytes(content)
        seconds = (datetime.datetime.now() - started).total_seconds()
        size = f"{len(content):,} 字节，{seconds:.1f} 秒"
        done = f"{found.name} {period.key} 月报已写入 {path}（{size}）"
        self.stdout.write(self.style.SUCCESS(done))
