"""Build a synthetic city in a database of its own and measure the portal on it."""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]


def bench_database(work: Path) -> tuple[str, callable]:
    """(DATABASE_URL of a fresh database, cleanup). A temporary SQLite file by default; with a
    PostgreSQL DATABASE_URL, a new database beside it, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{work / 'benchmark.sqlite3'}", lambda: None
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_benchmark"
    admin = psycopg2.connect(dbname="postgres", user=config["USER"] or None,
                             password=config["PASSWORD"] or None,
                             host=config["HOST"] or None, port=config["PORT"] or None)
    admin.autocommit = True

    def execute(sql: str) -> None:
        with admin.cursor() as cursor:
            cursor.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{name}"')
    execute(f'CREATE DATABASE "{name}"')

    def cleanup() -> None:
        execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return re.sub(r"/[^/]*$", f"/{name}", url.split("?")[0]), cleanup


class Command(BaseCommand):
    help = "Measure the KPI engine, pages, PDF, export and import on a synthetic city."

    def add_arguments(self, parser):
        parser.add_argument("--facilities", type=int, default=5000)
        parser.add_argument("--years", default="2015-2018", help="first-last, e.g. 2015-2018")
        parser.add_argument("--out", help="write the JSON here")
        parser.add_argument("--load", action="store_true",
                            help="also run the load test: gunicorn and many clients at once")
        parser.add_argument("--load-only", action="store_true",
                            help="the city and the load test, without the other measurements")
        parser.add_argument("--seconds", type=float, default=20, help="length of the load")
        parser.add_argument("--clients", type=int, default=50, help="clients of the load")
        parser.add_argument("--redis", metavar="URL", default="",
                            help="the load's server caches figures in this Redis, as in "
                                 "production (without it each worker keeps its own)")
        parser.add_argument("--load-before", metavar="DIR",
                            help="also load a checkout of an earlier commit in DIR on the same "
                                 "city (docs/PERFORMANCE.md's before and after)")
        parser.add_argument("--child", action="store_true", help="(internal)")
        parser.add_argument("--import-measure", help="(internal) time and weigh one import")

    def handle(self, *args, **options):
        if options["import_measure"]:
            from django.conf import settings

            from reports.benchmark import import_measure_child

            settings.DEBUG = False  # no query log
            self.stdout.write(json.dumps(import_measure_child(
                Path(options["import_measure"]), options["facilities"])))
            return
        match = re.fullmatch(r"(\d{4})-(\d{4})", options["years"])
        if not match or int(match[1]) >= int(match[2]) or options["facilities"] < 100:
            raise CommandError("--years FIRST-LAST (e.g. 2015-2018); --facilities >= 100",
                               returncode=2)
        if not (0 < options["seconds"] <= 600 and 0 < options["clients"] <= 200):
            raise CommandError("--seconds 1-600 and --clients 1-200", returncode=2)
        if options["redis"] and not redis_answers(options["redis"]):
            # Otherwise every page of the load would fail on its cache, after the city is built.
            raise CommandError(f"--redis: no Redis answers at {options['redis']}", returncode=2)
        years = range(int(match[1]), int(match[2]) + 1)
        if options["child"]:
            self.child(options["facilities"], years, options["out"], load_options(options))
        else:
            self.parent(options)

    def parent(self, options) -> None:
        with tempfile.TemporaryDirectory(prefix="sxsh-benchmark-") as work:
            url, cleanup = bench_database(Path(work))
            out = Path(work) / "results.json"
            env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "REDIS_URL": "",
                   "MEDIA_ROOT": str(Path(work) / "media"), "LOG_LEVEL": "WARNING"}
            try:
                subprocess.run(
                    [sys.executable, "manage.py", "benchmark", "--child", "--facilities",
                     str(options["facilities"]), "--years", options["years"], "--out",
                     str(out), *child_load_args(options)], cwd=ROOT, env=env, check=True)
            except subprocess.CalledProcessError as exc:
                raise CommandError("the benchmark failed; see the output above",
                                   returncode=1) from exc
            finally:
                cleanup()
            data = json.loads(out.read_text(encoding="utf-8"))
        from reports.benchmark import dump, table

        self.stdout.write(table(data["results"]))
        for name, details in data["extra"].get("load_before", {}).items():
            from reports.loadtest import load_table

            self.stdout.write(f"\nBefore ({name}):\n{load_table(details)}")
        counts = data["extra"]["kpi_counts"]
        self.stdout.write(f"(city built in {data['extra']['build_city_s']} s"
                          + (f"; district counts {counts})" if counts else ")"))
        dump(data["results"], options["out"])
        if options["out"] and "load" in data["extra"]:
            # Beside it, FILE-details.json: the load's details (bytes, the machine's load
            # average, the first errors) and the run of the earlier checkout, if any.
            from reports.loadtest import load_keys

            out = Path(options["out"])
            after = {key: data["results"][key] for key in load_keys()}
            side = {"after": {**after, **data["extra"]["load"]}}
            for details in data["extra"].get("load_before", {}).values():
                side["before"] = details
            dump(side, str(out.with_name(f"{out.stem}-details{out.suffix}")))

    def child(self, facilities: int, years: range, out: str, load: dict | None) -> None:
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        from reports.benchmark import City, run

        call_command("migrate", verbosity=0)
        setup_test_environment()  # the test client's host, and no query log (DEBUG off)
        with tempfile.TemporaryDirectory(prefix="sxsh-bench-files-") as work:
            data = run(City(facilities, years), Path(work), load)
        Path(out).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except (redis.RedisError, ValueError):
        return False


def load_options(options) -> dict | None:
    if not (options["load"] or options["load_only"]):
        return None
    return {"clients": options["clients"], "seconds": options["seconds"],
            "only": options["load_only"], "before": options["load_before"],
            "redis": options["redis"]}


def child_load_args(options) -> list[str]:
    args = ["--seconds", str(options["seconds"]), "--clients", str(options["clients"])]
    if options["load_before"]:
        args += ["--load-before", str(Path(options["load_before"]).resolve())]
    if options["redis"]:
        args += ["--redis", options["redis"]]
    if options["load_only"]:
        return ["--load-only", *args]
    return ["--load", *args] if options["load"] else []
