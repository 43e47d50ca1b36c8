"""The cast every test file uses: staff, a commune official of commune A, one of commune B,
a unit officer, leadership, an administrator and an outsider (no longer active)."""

from __future__ import annotations

import re

import pytest

from accounts.models import DISTRICT_ROLES, Commune, Role, Unit, User, sole_district_id
from tests.processes import migrated_sqlite, sqlite_url  # noqa: F401  (shared fixtures)
from tests.sxsh_env import REQUIRE_ALL, need  # noqa: F401  (tests import need from here)

COMMUNE_A = "08989"  # Thị trấn Quang Minh
COMMUNE_B = "09019"  # Xã Tiền Phong


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    # Every test gets its own media folder: uploaded and generated files never mix.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    # Each test's rows are rolled back, and with them the data version (lib/dataversion.py):
    # figures cached by one test must not be found by the next under the same token.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    # The locale middleware activates a request's language in the thread and leaves it there
    # (the next request sets its own); a test after an English request must not inherit it.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2's deliberate slowness is for attackers, not for a test suite.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def jobs_inside_the_request(settings):
    # With no broker a job runs in a thread of the server (melinh_sxsh/lib/jobs.py); here it
    # runs inside the request as it commits, as a thread could not see the test's uncommitted
    # rows. `background_jobs` gives a test the threads.
    settings.JOB_THREADS = 0


@pytest.fixture
def background_jobs(settings):
    """The in-process runner with its threads, as under `make run`; `.drain()` waits for every
    job it was given. The test must be transactional (its rows committed)."""
    from melinh_sxsh.lib.jobs import IN_PROCESS

    settings.JOB_THREADS = 2
    yield IN_PROCESS
    IN_PROCESS.shutdown()


# The data migration of each app whose `load` puts its reference rows back with the current
# models (accounts': the one that also gives each commune its district).
REFERENCE_MIGRATIONS = {"accounts": "0005_districts", "facilities": "0002_reference_data",
                        "campaigns": "0002_reference_data", "audits": "0002_reference_data"}


def reload_reference_data() -> None:
    """Transactional tests flush the database, reference rows of data migrations included;
    put them back the way the migrations do."""
    from importlib import import_module

    from django.apps import apps

    for app in REFERENCE_MIGRATIONS:
        import_module(f"{app}.migrations.{REFERENCE_MIGRATIONS[app]}").load(apps, None)


def reference_after_flush(sender, using, **kwargs) -> None:
    """A transactional test ends by flushing the database, which sends post_migrate: the
    reference rows come back then, committed, for whatever test the process runs next (the
    slow transactional tests run first, see pytest_collection_modifyitems)."""
    if using == "default" and not Commune.objects.using(using).exists():
        reload_reference_data()


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(reference_after_flush, dispatch_uid="sxsh-reference-after-flush")
    # On SQLite the test database is made from the models, not by running every migration
    # (their state rendering took a quarter of a minute per xdist process); the reference rows
    # the data migrations load are loaded by django_db_setup below. The migrations themselves
    # still run: on PostgreSQL for the whole suite, and on SQLite in `migrated_sqlite`.
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        config.option.nomigrations = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not Commune.objects.exists():
            reload_reference_data()


@pytest.fixture(autouse=True)
def reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        if not Commune.objects.exists():
            reload_reference_data()


@pytest.fixture
def commune_a(db) -> Commune:
    return Commune.objects.get(code=COMMUNE_A)


@pytest.fixture
def commune_b(db) -> Commune:
    return Commune.objects.get(code=COMMUNE_B)


def make_user(username: str, role: str, **extra) -> User:
    if role in DISTRICT_ROLES and "district" not in extra and "district_id" not in extra:
        # Test data: the district of the account's commune or unit, else the only district.
        place = extra.get("commune") or extra.get("unit")
        extra["district_id"] = place.district_id if place else sole_district_id()
    user = User(username=username, role=role, full_name=username.title(), **extra)
    user.set_password("Correct-horse-2018")
    user.save()
    return user


@pytest.fixture
def staff(db) -> User:
    return make_user("staff", Role.STAFF, is_sxsh_officer=True)


@pytest.fixture
def official_a(commune_a) -> User:
    return make_user("official_a", Role.COMMUNE, commune=commune_a)


@pytest.fixture
def official_b(commune_b) -> User:
    return make_user("official_b", Role.COMMUNE, commune=commune_b)


@pytest.fixture
def unit_officer(db) -> User:
    return make_user("unit_officer", Role.UNIT, unit=Unit.objects.get(code="TT_VHTT"))


@pytest.fixture
def leader(db) -> User:
    return make_user("leader", Role.LEADER)


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db) -> User:
    return make_user("outsider", Role.STAFF, is_active=False)


@pytest.fixture
def enterprise(db) -> User:
    """An enterprise account that represents no facility yet: a test gives it its own."""
    return make_user("dn.tienphong", Role.ENTERPRISE)


@pytest.fixture
def city_officer(db) -> User:
    """An officer of the city's Department of Industry and Trade: reads every district."""
    return make_user("soct.lananh", Role.CITY)


@pytest.fixture
def cast(staff, official_a, official_b, unit_officer, leader, admin_user, outsider, enterprise,
         city_officer):
    return {
        "staff": staff, "official_a": official_a, "official_b": official_b,
        "unit": unit_officer, "leader": leader, "admin": admin_user, "outsider": outsider,
        "enterprise": enterprise, "city": city_officer,
    }


@pytest.fixture
def login(client):
    def _login(user: User | None):
        if user is not None and signed_in_as(client, user):
            return client  # logging in again costs a dozen queries, in loops of thousands
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


def signed_in_as(client, user: User) -> bool:
    """The client's session is `user`'s and still valid (not logged out, password unchanged)."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY

    session = client.session
    return (session.get(SESSION_KEY) == str(user.pk)
            and session.get(HASH_SESSION_KEY) == user.get_session_auth_hash())


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}",
            f"SXSH_REQUIRE_ALL={'1' if REQUIRE_ALL else '0'}"]


# A test that starts a process, a browser or a server is `slow` without being told;
# `make test-fast` leaves those out (README.md, "Tests").
SLOW_FIXTURES = {"migrated_sqlite", "start_worker", "start_beat", "browser", "live_server"}


# A test that reads what a page was rendered with (response.context, response.templates).
READS_CONTEXT = re.compile(r"\.(context|templates)\b")


def pytest_collection_modifyitems(config, items):
    reads_context: dict[str, bool] = {}
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        path = str(item.path)
        if path not in reads_context:
            reads_context[path] = bool(READS_CONTEXT.search(item.path.read_text("utf-8")))
        if reads_context[path]:
            item.add_marker(pytest.mark.templates)
    # The slow ones first: xdist hands out tests in this order, so the long browser and process
    # tests start while the many short ones fill the gaps, instead of one of them starting last
    # and keeping the whole run waiting for it (a stable sort: the order is otherwise kept).
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def template_capture(request):
    # Django's test environment has every template render copy its context for the test
    # client; in the page-for-every-role sweeps that was a quarter of the time. Only modules
    # that read the context (marked `templates` above) keep it.
    if request.node.get_closest_marker("templates"):
        yield
        return
    from django.template.base import Template
    from django.test.utils import _TestState

    saved = getattr(_TestState, "saved_data", None)
    if saved is None:  # no test environment (a test without Django)
        yield
        return
    instrumented, Template._render = Template._render, saved.template_render
    yield
    Template._render = instrumented
