"""Small factories for tests."""

from __future__ import annotations

import itertools

from hai.auth.roles import Role
from hai.auth.services import create_user
from hai.db_types import utcnow
from hai.extensions import db

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_user(
    *roles: Role,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    user_type: int | None = None,
    **kwargs,
):
    roles = roles or (Role.AGEN_L1,)
    if Role.PENGGUNA in roles and user_type is None:
        user_type = 1
    n = next(_counter)
    user = create_user(
        email=email or f"user{n}@test.hai",
        name=name or f"Pengguna Uji {n}",
        password=password,
        roles=roles,
        user_type=user_type,
        now=utcnow(),
        actor=None,
        actor_label="test",
        **kwargs,
    )
    db.session.commit()
    return user
