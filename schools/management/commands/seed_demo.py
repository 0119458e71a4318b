from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from schools.demo import DEMO_PASSWORD, run_demo


class Command(BaseCommand):
    help = (
        "Load the demo counties (湟中县 with about 200 schools and 95 inspectors, and 金坛区) and "
        "one demo login per role. Safe to run again: it only creates what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run although DEBUG is off. Never on a real site: the demo logins share a "
            "published password.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG 未开启：演示账号的密码是公开的，不应出现在正式系统中。"
                "确需在此环境加载演示数据时请加 --force。"
            )
        ctx = run_demo(log=self.stdout.write)
        counties = "、".join(f"{c.name}（{c.code}）" for c in ctx.counties.values())
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪：{counties}"))
        if ctx.created:
            # Fresh statistics for the planner: right after a bulk load PostgreSQL still
            # believes the tables empty and picks nested loops that take the coverage
            # queries from a millisecond to half a second, until autovacuum catches up.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            created = "，".join(f"{label} {count}" for label, count in ctx.created.items())
            self.stdout.write(f"本次新建：{created}")
        else:
            self.stdout.write("本次没有新建任何数据（演示数据已存在）。")
        self.stdout.write("")
        self.stdout.write(f"演示登录（密码均为 {DEMO_PASSWORD}，无需首次改密）：")
        for login in ctx.logins:
            self.stdout.write(f"  {login.username:<14} {login.role} · {login.who}")
