"""How passwords are stored: Argon2id with the parameters of docs/ARCHITECTURE.md, "Passwords"."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SxshArgon2PasswordHasher(Argon2PasswordHasher):
    """OWASP's first Argon2id configuration (19 MiB, 2 passes, one lane): a check takes tens of
    milliseconds here instead of PBKDF2's half second, and memory makes guessing on graphics
    cards costly. The algorithm stays "argon2": a hash records its own parameters, so a change
    of these upgrades each stored hash at its owner's next login."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
