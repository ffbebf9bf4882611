"""Password hashing (Argon2id) and the password policy (ASVS 2.1).

Policy: 8 to 128 characters, no composition rules, not a common password, not the
account's own email or name.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128

_STRONG = PasswordHasher()  # argon2-cffi defaults: RFC 9106 "low memory" profile
# Same algorithm, tiny cost: used by the test suite only (TestingConfig).
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_hasher = _STRONG


def use_fast_hashing(enabled: bool) -> None:
    global _hasher
    _hasher = _FAST if enabled else _STRONG


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist, so a wrong email
# costs the same time as a wrong password.
@lru_cache(maxsize=2)
def _dummy_hash(kind: int) -> str:
    return _hasher.hash("dummy-password-for-timing")


def burn_time(password: str) -> None:
    verify_password(_dummy_hash(id(_hasher)), password)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(
        line.strip().lower()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why the password is not acceptable (in Indonesian), or None."""
    if len(password) < MIN_LENGTH:
        return f"Kata sandi minimal {MIN_LENGTH} karakter."
    if len(password) > MAX_LENGTH:
        return f"Kata sandi maksimal {MAX_LENGTH} karakter."
    lowered = password.lower()
    if lowered in common_passwords():
        return "Kata sandi ini terlalu umum dan mudah ditebak. Pilih yang lain."
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        return "Kata sandi tidak boleh sama dengan alamat email."
    if name and lowered == name.lower().replace(" ", ""):
        return "Kata sandi tidak boleh sama dengan nama."
    if len(set(password)) < 3:
        return "Kata sandi terlalu sederhana (hampir semua karakternya sama)."
    return None
