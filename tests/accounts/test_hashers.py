"""Passwords are stored with Argon2id; a hash of the earlier hasher is replaced at the next
login (docs/ARCHITECTURE.md, "Passwords")."""

import pytest
from django.conf import settings as project_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import district_create

PASSWORD = "Correct-horse-2018"


@pytest.fixture
def project_hashers(settings):
    # tests/conftest.py hashes with MD5 for speed; these tests are about the real list.
    settings.PASSWORD_HASHERS = PROJECT_HASHERS


PROJECT_HASHERS = list(project_settings.PASSWORD_HASHERS)


def argon2_parameters(encoded: str) -> str:
    # argon2$argon2id$v=19$m=19456,t=2,p=1$salt$hash
    return encoded.split("$")[3]


def test_new_passwords_are_argon2id_with_the_written_parameters(project_hashers, db):
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    assert argon2_parameters(encoded) == "m=19456,t=2,p=1"


def test_a_pbkdf2_hash_becomes_argon2_at_the_next_login(project_hashers, client, db):
    user = district_create(User, username="old", role=Role.STAFF,
                           password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert user.password.startswith("pbkdf2_sha256$")
    response = client.post(reverse("accounts:login"),
                           {"username": "old", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert argon2_parameters(user.password) == "m=19456,t=2,p=1"
    # and the new hash is accepted as it is: the next login does not rewrite it
    stored = user.password
    client.logout()
    client.post(reverse("accounts:login"), {"username": "old", "password": PASSWORD})
    user.refresh_from_db()
    assert user.password == stored
