"""`manage.py benchmark --load`: gunicorn over the benchmark's city, and many people at once.

The server is started as docker-compose.yml starts it (its number of workers), with production
settings, on a free loopback port. Virtual users log in through the login form; each client
then asks for one page of its user's day in a loop, the same number of clients for every page,
so that the requests a second of two pages compare their cost under the same load. /healthz
and a static file are measured among them: the server's own limit in the same run. The client
is bounded by `seconds` and by MAX_REQUESTS_PER_CLIENT, and talks only to 127.0.0.1.
"""

from __future__ import annotations

import gzip
import http.client
import math
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
MAX_REQUESTS_PER_CLIENT = 5000
TIMEOUT_S = 30
PASSWORD = "Benchmark-load-2018"
ROOT = Path(__file__).resolve().parents[1]

# The pages of the load, in the order of the table; each with the kinds of users who ask for it.
PAGES = ["dashboard", "dashboard_commune", "drilldown", "facility_list", "facility",
         "public", "healthz", "static"]
ROLES = {
    "dashboard": ["staff", "leader"],
    "dashboard_commune": ["commune", "staff"],
    "drilldown": ["leader", "staff"],
    "facility_list": ["staff", "commune"],
    "facility": ["commune", "staff"],
    "public": ["anonymous"],
    "healthz": ["anonymous"],
    "static": ["anonymous"],
}
FIGURES = ["p50_s", "p95_s", "p99_s", "rps", "errors"]
# The numbers whose lists the drill-down clients open, in turn.
DRILLDOWN = ("applying", "aware", "saving")


def compose_workers() -> int:
    """gunicorn's --workers in docker-compose.yml (3)."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    match = re.search(r"gunicorn .*--workers (\d+)", text)
    return int(match[1]) if match else 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# ---- the server ---------------------------------------------------------------------------------

class Server:
    """gunicorn on a loopback port with production settings, over `database_url`."""

    def __init__(self, database_url: str, work: Path, app_dir: Path = ROOT, redis_url: str = ""):
        self.port = free_port()
        self.log = work / "gunicorn.log"
        self.env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false",
                    "SECRET_KEY": secrets.token_urlsafe(50), "REDIS_URL": redis_url,
                    "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "false",
                    "STATIC_ROOT": str(work / "static"), "MEDIA_ROOT": str(work / "media"),
                    "LOG_LEVEL": "WARNING", "PYTHONPATH": str(app_dir)}
        self.app_dir = app_dir
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=app_dir, env=self.env, capture_output=True, text=True, check=False)
        if collected.returncode:
            raise RuntimeError(f"collectstatic failed: {collected.stderr[-2000:]}")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "melinh_sxsh.wsgi:application", "--bind",
             f"{HOST}:{self.port}", "--workers", str(compose_workers()), "--timeout", "60",
             "--chdir", str(app_dir)],
            cwd=app_dir, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {self.log.read_text()[-2000:]}")
            try:
                if request("GET", "/healthz", self.port).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes  # decoded
    wire: int  # bytes as sent


def request(method: str, path: str, port: int, *, cookies: dict | None = None,
            form: dict | None = None, connection: http.client.HTTPConnection | None = None,
            ) -> Answer:
    own = connection is None
    connection = connection or http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
    headers = {"Accept-Encoding": "gzip, br", "Host": HOST}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        answer = Answer(response.status, headers, decode(data, headers), len(data))
        if cookies is not None:
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    cookies[key] = rest.split(";", 1)[0]
        return answer
    finally:
        if own:
            connection.close()


def decode(data: bytes, headers: dict[str, str]) -> bytes:
    encoding = headers.get("content-encoding", "")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        import brotli

        return brotli.decompress(data)
    return data


# ---- the virtual users ---------------------------------------------------------------------

@dataclass(frozen=True)
class City:
    """What the users of the load ask about: filled from the benchmark's database."""

    year: int
    communes: list[tuple[int, str]]  # (pk, code)
    facilities: dict[int, list[int]]  # commune pk -> some facility ids
    static_path: str


def make_users(clients: int) -> dict[str, list[str]]:
    """Accounts for the load, by kind: the district's staff and leaders, one official per
    commune of the district (the benchmark's district of the city, reports.benchmark)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Commune, Role, User
    from reports.benchmark import bench_district

    district = bench_district()
    password = make_password(PASSWORD)
    users: dict[str, list[str]] = {"staff": [], "leader": [], "commune": []}
    for n in range(max(2, clients // 8)):
        for kind, role in (("staff", Role.STAFF), ("leader", Role.LEADER)):
            name = f"load-{kind}-{n}"
            User.objects.update_or_create(username=name, defaults={
                "role": role, "password": password, "district": district})
            users[kind].append(name)
    for commune in Commune.objects.filter(district=district).order_by("code"):
        name = f"load-commune-{commune.code}"
        User.objects.update_or_create(username=name, defaults={
            "role": Role.COMMUNE, "commune": commune, "district": district, "password": password})
        users["commune"].append(name)
    return users


def city_of(year: int) -> City:
    """The district's communes and some of their facilities: what its people ask about."""
    from accounts.models import Commune
    from facilities.models import Facility
    from reports.benchmark import bench_district

    communes = list(Commune.objects.filter(district=bench_district()).order_by("code")
                    .values_list("pk", "code"))
    facilities = {pk: list(Facility.objects.filter(commune_id=pk).order_by("pk")
                           .values_list("pk", flat=True)[:200]) for pk, _code in communes}
    return City(year, communes, facilities, "")


def login(port: int, username: str) -> tuple[dict, float]:
    """A session through the login form, and how long the form's POST took."""
    cookies: dict[str, str] = {}
    page = request("GET", "/accounts/login/", port, cookies=cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or not token:
        raise RuntimeError(f"login page: {page.status}")
    started = time.perf_counter()
    answer = request("POST", "/accounts/login/", port, cookies=cookies, form={
        "csrfmiddlewaretoken": token[1].decode(), "username": username, "password": PASSWORD})
    took = time.perf_counter() - started
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login of {username}: {answer.status}")
    return cookies, took


@dataclass
class Client:
    page: str
    user: str | None
    kind: str
    commune: tuple[int, str] | None
    cookies: dict = field(default_factory=dict)
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    bytes: int = 0
    messages: list[str] = field(default_factory=list)

    def path(self, city: City, n: int) -> str:
        year = city.year
        pk, code = self.commune or city.communes[n % len(city.communes)]
        ids = city.facilities[pk] or [1]
        if self.page == "dashboard":
            return f"/?year={year}"
        if self.page == "dashboard_commune":
            return f"/?year={year}" if self.kind == "commune" else f"/?year={year}&commune={code}"
        if self.page == "drilldown":
            figure = DRILLDOWN[n % len(DRILLDOWN)]
            return f"/reports/kpi/{figure}/?year={year}"
        if self.page == "facility_list":
            stage = (n % 4) or ""
            commune = "" if self.kind == "commune" else pk
            return f"/facilities/?year={year}&commune={commune}&stage={stage}&sort=-employees"
        if self.page == "facility":
            return f"/facilities/{ids[n % len(ids)]}/"
        if self.page == "public":
            return "/public/"
        if self.page == "healthz":
            return "/healthz"
        return city.static_path

    def addresses(self, city: City) -> int:
        """How many of the addresses this client's loop goes through have figures of their own
        (a commune's dashboard, each drill-down); the warm pass asks for each once."""
        if self.page == "dashboard_commune" and self.kind != "commune":
            return len(city.communes)
        if self.page == "drilldown":
            return len(DRILLDOWN)
        return 1

    def run(self, city: City, port: int, deadline: float, start: threading.Event,
            warm: bool = False) -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
        start.wait()
        n = 0
        while (n < (self.addresses(city) if warm else MAX_REQUESTS_PER_CLIENT)
               and time.monotonic() < deadline):
            path = self.path(city, n)
            n += 1
            started = time.perf_counter()
            try:
                answer = request("GET", path, port, cookies=self.cookies,
                                 connection=connection)
                ok = answer.status == 200
                if not ok and len(self.messages) < 3:
                    self.messages.append(f"{path}: {answer.status}")
                if not warm:
                    self.bytes += answer.wire
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                if len(self.messages) < 3:
                    self.messages.append(f"{path}: {exc!r}")
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT_S)
            if warm:
                continue
            self.samples.append(time.perf_counter() - started)
            self.errors += not ok
        connection.close()


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def make_clients(count: int, users: dict[str, list[str]], city: City) -> list[Client]:
    """`count` clients, as evenly over PAGES as they divide; each page's users take turns
    among its kinds."""
    clients = []
    for n in range(count):
        page = PAGES[n % len(PAGES)]
        turn = n // len(PAGES)
        kinds = ROLES[page]
        kind = kinds[turn % len(kinds)]
        user, commune = None, None
        if kind == "commune":
            user = users["commune"][turn % len(users["commune"])]
            code = user.rsplit("-", 1)[1]
            commune = next(c for c in city.communes if c[1] == code)
        elif kind != "anonymous":
            user = users[kind][turn % len(users[kind])]
        clients.append(Client(page, user, kind, commune))
    return clients


def run_load(server: Server, city: City, users: dict[str, list[str]], clients: int,
             seconds: float) -> tuple[dict, dict]:
    """(results keys, extra details) of `clients` clients for `seconds` against `server`."""
    port = server.port
    home = request("GET", "/public/", port)
    css = re.search(rb'href="(/static/[^"]+\.css)"', home.body)
    city = City(city.year, city.communes, city.facilities, css[1].decode() if css else "")
    crowd = make_clients(clients, users, city)
    logins = []
    for client in crowd:
        if client.user:
            client.cookies, took = login(port, client.user)
            logins.append(took)
    # A warm pass first, not measured: templates compiled, and every address's figures
    # computed once, as they are between two writes (with Redis, once for all workers;
    # without, in the worker that answered). The cost after a write is `dashboard_s`.
    phase(crowd, city, port, seconds=120, warm=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    phase(crowd, city, port, seconds=seconds)
    elapsed = time.perf_counter() - started
    load_after = os.getloadavg()
    results: dict = {}
    messages = []
    for page in [*PAGES, "login"]:
        if page == "login":
            samples, errors = logins, 0
        else:
            chosen = [c for c in crowd if c.page == page]
            samples = [s for c in chosen for s in c.samples]
            errors = sum(c.errors for c in chosen)
            messages += [m for c in chosen for m in c.messages]
        results[f"load_{page}_p50_s"] = round(percentile(samples, 50), 4)
        results[f"load_{page}_p95_s"] = round(percentile(samples, 95), 4)
        results[f"load_{page}_p99_s"] = round(percentile(samples, 99), 4)
        results[f"load_{page}_rps"] = round(len(samples) / elapsed, 1) if page != "login" else 0
        results[f"load_{page}_errors"] = errors
    results["load_clients"] = clients
    results["load_seconds"] = round(elapsed, 1)
    extra = {"load_errors_seen": messages[:10],
             "load_bytes_mean": {page: round(statistics.mean(
                 [c.bytes / max(1, len(c.samples)) for c in crowd if c.page == page]))
                 for page in PAGES},
             "load_workers": compose_workers(),
             "load_cache": "redis" if server.env["REDIS_URL"] else "each worker's memory",
             # the machine is shared: its load average (1, 5, 15 min) before and after
             "load_average": [[round(v, 2) for v in load_before],
                              [round(v, 2) for v in load_after]]}
    return results, extra


def phase(crowd: list[Client], city: City, port: int, seconds: float, warm: bool = False):
    start = threading.Event()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=c.run, args=(city, port, deadline, start, warm),
                                daemon=True) for c in crowd]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join(seconds + TIMEOUT_S + 5)


def load_keys() -> list[str]:
    keys = [f"load_{page}_{figure}" for page in [*PAGES, "login"] for figure in FIGURES]
    return [*keys, "load_clients", "load_seconds"]


def load_table(results: dict) -> str:
    """Per page: requests a second, p50, p95, p99 and errors."""
    lines = [f"{'page':<20}{'req/s':>8}{'p50 s':>9}{'p95 s':>9}{'p99 s':>9}{'errors':>8}"]
    for page in [*PAGES, "login"]:
        get = lambda figure, page=page: results[f"load_{page}_{figure}"]  # noqa: E731
        lines.append(f"{page:<20}{get('rps'):>8}{get('p50_s'):>9}{get('p95_s'):>9}"
                     f"{get('p99_s'):>9}{get('errors'):>8}")
    lines.append(f"({results['load_clients']} clients, {results['load_seconds']} s; login: "
                 "the login form's POST, once per virtual user, before the load)")
    return "\n".join(lines)


LOAD_TARGETS = [
    ("no error under load",
     lambda r: sum(r[f"load_{p}_errors"] for p in PAGES) == 0),
    ("dashboard rps >= 1/2 healthz rps",
     lambda r: r["load_dashboard_rps"] >= r["load_healthz_rps"] / 2),
    ("public rps >= 1/2 healthz rps",
     lambda r: r["load_public_rps"] >= r["load_healthz_rps"] / 2),
    *[(f"{page} p95 < 1 s", lambda r, page=page: r[f"load_{page}_p95_s"] < 1)
      for page in ("dashboard", "dashboard_commune", "public", "facility_list", "facility")],
    ("login p95 < 1 s", lambda r: r["load_login_p95_s"] < 1),
]


def measure_load(database_url: str, year: int, work: Path, clients: int, seconds: float,
                 app_dir: Path = ROOT, redis_url: str = "") -> tuple[dict, dict]:
    users = make_users(clients)
    city = city_of(year)
    from django.db import connection

    connection.close()  # the server's processes have the database to themselves
    server = Server(database_url, work, app_dir, redis_url)
    try:
        return run_load(server, city, users, clients, seconds)
    finally:
        server.stop()
