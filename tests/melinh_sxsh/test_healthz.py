from types import SimpleNamespace

from django.db import DatabaseError


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    # Only the health view's handle breaks; the test database itself stays usable.
    monkeypatch.setattr("melinh_sxsh.views.connection", SimpleNamespace(cursor=broken_cursor))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
