"""`benchmark --load` starts gunicorn over a small city, loads it for a second and reports
every page; the figures themselves are judged in docs/PERFORMANCE.md, not here."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.loadtest import LOAD_TARGETS, PAGES, compose_workers, load_keys, make_clients


@pytest.mark.slow  # builds a city and starts gunicorn
def test_a_short_load_prints_the_table_and_writes_the_keys(tmp_path):
    from tests.worker import REDIS_URL, redis_available

    # With Redis, as in production, the server's workers share their figures.
    cache = ["--redis", REDIS_URL] if redis_available() else []
    out = tmp_path / "load.json"
    printed = StringIO()
    call_command("benchmark", "--facilities", "100", "--load-only", "--seconds", "1",
                 "--clients", "9", "--out", str(out), *cache, stdout=printed)
    results = json.loads(out.read_text(encoding="utf-8"))
    details = json.loads((tmp_path / "load-details.json").read_text(encoding="utf-8"))
    assert details["after"]["load_cache"] == ("redis" if cache else "each worker's memory")
    assert list(results)[-len(load_keys()):] == load_keys()
    for page in PAGES:
        assert results[f"load_{page}_errors"] == 0, page
        assert results[f"load_{page}_rps"] > 0, page
        assert 0 < results[f"load_{page}_p50_s"] <= results[f"load_{page}_p99_s"], page
    assert results["load_login_p50_s"] > 0
    text = printed.getvalue()
    for page in [*PAGES, "login"]:
        assert f"\n{page} " in text
    assert "met  no error under load" in text


def test_every_page_has_its_clients_and_its_kinds_of_users():
    from reports.loadtest import City

    city = City(2018, [(1, "08989"), (2, "09019")], {1: [5], 2: [6]}, "/static/x.css")
    users = {"staff": ["s0", "s1"], "leader": ["l0", "l1"],
             "commune": ["load-commune-08989", "load-commune-09019"]}
    clients = make_clients(50, users, city)
    by_page = {page: [c for c in clients if c.page == page] for page in PAGES}
    assert {len(chosen) for chosen in by_page.values()} <= {6, 7}
    assert {c.kind for c in by_page["dashboard_commune"]} == {"commune", "staff"}
    assert {c.user for c in by_page["public"] + by_page["healthz"]} == {None}
    official = next(c for c in by_page["facility"] if c.kind == "commune")
    assert official.path(city, 0) == f"/facilities/{city.facilities[official.commune[0]][0]}/"
    # The warm pass asks once for every address with figures of its own.
    staff = next(c for c in by_page["dashboard_commune"] if c.kind == "staff")
    warmed = {staff.path(city, n) for n in range(staff.addresses(city))}
    assert warmed == {f"/?year=2018&commune={code}" for _pk, code in city.communes}
    drill = by_page["drilldown"][0]
    assert len({drill.path(city, n) for n in range(drill.addresses(city))}) == 3
    assert compose_workers() == 3
    assert len(LOAD_TARGETS) >= 4


@pytest.mark.parametrize("args", [["--seconds", "0"], ["--clients", "500"],
                                  ["--redis", "redis://127.0.0.1:1/0"], ["--redis", "nowhere"]])
def test_the_load_is_bounded(args):
    with pytest.raises(CommandError) as info:
        call_command("benchmark", "--load", *args)
    assert info.value.returncode == 2
