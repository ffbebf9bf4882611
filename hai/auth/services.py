"""Account state changes. Every function takes the actor and the time explicitly."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import flag_modified

from hai.audit.services import record
from hai.auth import sessions
from hai.auth.models import User, UserRole
from hai.auth.passwords import burn_time, hash_password, password_problem, verify_password
from hai.auth.roles import Role
from hai.auth.throttle import ThrottlePolicy, is_throttled, record_attempt
from hai.errors import RuleError
from hai.extensions import db
from hai.schedules.services import record_sign_in, record_sign_out


class AccountError(RuleError):
    """A account rule refused the change."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def checked_email(email: str) -> str:
    """The normalised address, or AccountError on the email field."""
    try:
        # Syntax only: deliverability needs DNS, which an intranet may not have.
        # test_environment admits the reserved .test domain of the demo accounts.
        result = validate_email(email.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise AccountError("Alamat email tidak valid.", "email") from None
    return normalise_email(result.normalized)


def is_official_email(email: str, domains: Iterable[str] | str) -> bool:
    """Whether the address is on an official domain (or a subdomain of one).

    ``domains`` is a list of domains, or one comma-separated string of them.
    """
    if isinstance(domains, str):
        domains = domains.split(",")
    _, at, domain = (email or "").strip().lower().rpartition("@")
    if not at or not domain:
        return False
    domain = domain.rstrip(".")
    for official in domains:
        official = official.strip().lower().lstrip(".").rstrip(".")
        if official and (domain == official or domain.endswith("." + official)):
            return True
    return False


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _check_roles(roles: Iterable[Role], user_type: int | None) -> frozenset[Role]:
    """The roles, checked with the user type (only a requester has one)."""
    roles = frozenset(roles)
    if not roles:
        raise AccountError("Pilih minimal satu peran.", "roles")
    if Role.PENGGUNA not in roles and user_type is not None:
        raise AccountError(
            "Jenis pengguna hanya untuk peran Pengguna Layanan; kosongkan untuk staf.", "user_type"
        )
    if Role.PENGGUNA in roles and user_type is None:
        raise AccountError("Pengguna layanan wajib memiliki jenis pengguna (1–11).", "user_type")
    if user_type is not None and not 1 <= user_type <= 11:
        raise AccountError("Jenis pengguna harus 1 sampai 11.", "user_type")
    return roles


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    roles: Iterable[Role],
    now: datetime,
    actor: User | None,
    actor_label: str = "",
    unit_id: int | None = None,
    user_type: int | None = None,
    phone: str = "",
    position: str = "",
    is_demo: bool = False,
    ip: str = "",
) -> User:
    email = checked_email(email)
    name = name.strip()
    if not name:
        raise AccountError("Nama wajib diisi.", "name")
    if find_user_by_email(email) is not None:
        raise AccountError("Alamat email sudah terdaftar.", "email")
    role_set = _check_roles(roles, user_type)
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise AccountError(problem, "password")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        unit_id=unit_id,
        user_type=user_type,
        phone=phone.strip(),
        position=position.strip(),
        is_demo=is_demo,
        created_at=now,
        password_changed_at=now,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(role_set, key=list(Role).index)]
    db.session.add(user)
    db.session.flush()
    record(
        "user.created",
        now=now,
        actor=actor,
        actor_label=actor_label,
        target=user,
        ip=ip,
        email=email,
        roles=sorted(r.value for r in role_set),
    )
    return user


def update_user(
    user: User,
    *,
    name: str,
    roles: Iterable[Role],
    unit_id: int | None,
    user_type: int | None,
    phone: str,
    position: str,
    is_active: bool,
    now: datetime,
    actor: User,
    ip: str = "",
) -> User:
    role_set = _check_roles(roles, user_type)
    if user.id == actor.id and Role.ADMIN not in role_set:
        raise AccountError("Anda tidak dapat mencabut peran Administrator milik sendiri.", "roles")
    if user.id == actor.id and not is_active:
        raise AccountError("Anda tidak dapat menonaktifkan akun sendiri.", "is_active")
    if Role.ADMIN in user.roles and (Role.ADMIN not in role_set or not is_active):
        _ensure_another_admin(user)
    if not name.strip():
        raise AccountError("Nama wajib diisi.", "name")
    before_roles = sorted(r.value for r in user.roles)
    changes: dict = {}
    if before_roles != sorted(r.value for r in role_set):
        changes["roles"] = {"from": before_roles, "to": sorted(r.value for r in role_set)}
        keep = {row.role: row for row in user.role_rows if row.role in role_set}
        user.role_rows = [
            keep.get(r) or UserRole(role=r) for r in sorted(role_set, key=list(Role).index)
        ]
    for field, value in (
        ("name", name.strip()),
        ("unit_id", unit_id),
        ("user_type", user_type),
        ("phone", phone.strip()),
        ("position", position.strip()),
    ):
        if getattr(user, field) != value:
            changes[field] = {"from": getattr(user, field), "to": value}
            setattr(user, field, value)
    if user.is_active != is_active:
        changes["is_active"] = {"from": user.is_active, "to": is_active}
        user.is_active = is_active
        if not is_active:
            sessions.end_all_sessions(user, now=now, reason="account_disabled")
    if changes:
        # Role rows live in another table: touch the user row so that its version
        # goes up and a form opened before this change is refused as stale.
        flag_modified(user, "name")
    db.session.flush()
    if changes:
        record("user.updated", now=now, actor=actor, target=user, ip=ip, changes=changes)
    return user


def _ensure_another_admin(user: User) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(UserRole)
        .join(User)
        .where(UserRole.role == Role.ADMIN, User.id != user.id, User.is_active.is_(True))
    )
    if not others:
        raise AccountError("Harus tetap ada minimal satu Administrator aktif.", "roles")


def change_password(user: User, *, current: str, new: str, now: datetime, ip: str = "") -> None:
    """Change one's own password; every session of the user ends."""
    if not verify_password(user.password_hash, current):
        record("auth.password_change_failed", now=now, actor=user, target=user, ip=ip)
        raise AccountError("Kata sandi saat ini salah.", "current_password")
    if current == new:
        raise AccountError("Kata sandi baru harus berbeda dari yang lama.", "new_password")
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    ended = sessions.end_all_sessions(user, now=now, reason="password_changed")
    db.session.flush()
    record("auth.password_changed", now=now, actor=user, target=user, ip=ip, sessions_ended=ended)


def reset_password(user: User, *, new: str, now: datetime, actor: User, ip: str = "") -> None:
    """An administrator sets a new password; the user's sessions end."""
    problem = password_problem(new, email=user.email, name=user.name)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(new)
    user.password_changed_at = now
    ended = sessions.end_all_sessions(user, now=now, reason="password_reset")
    db.session.flush()
    record("user.password_reset", now=now, actor=actor, target=user, ip=ip, sessions_ended=ended)


class LoginOutcome(enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    THROTTLED = "throttled"
    DISABLED = "disabled"
    DEMO_REFUSED = "demo_refused"
    UNVERIFIED = "unverified"  # a self-registered account whose activation link is unopened


@dataclass
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    token: str | None = None


def authenticate(
    email: str,
    password: str,
    *,
    now: datetime,
    ip: str,
    user_agent: str,
    policy: ThrottlePolicy,
    allow_demo: bool,
) -> LoginResult:
    """Check credentials under the throttle; on success start a server-side session."""
    email = normalise_email(email)
    if is_throttled(email, ip, now=now, policy=policy):
        record("auth.login_throttled", now=now, actor_label=email, ip=ip)
        return LoginResult(LoginOutcome.THROTTLED)
    user = find_user_by_email(email)
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password)
    record_attempt(email, ip, now=now, succeeded=ok)
    if not ok:
        record("auth.login_failed", now=now, actor_label=email, ip=ip)
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    assert user is not None
    if not user.is_active:
        record("auth.login_refused_disabled", now=now, actor=user, ip=ip)
        return LoginResult(LoginOutcome.DISABLED)
    if user.activation_pending:
        record("auth.login_refused_unverified", now=now, actor=user, ip=ip)
        return LoginResult(LoginOutcome.UNVERIFIED)
    if user.is_demo and not allow_demo:
        record("auth.login_refused_demo", now=now, actor=user, ip=ip)
        return LoginResult(LoginOutcome.DEMO_REFUSED)
    token = sessions.start_session(user, now=now, ip=ip, user_agent=user_agent)
    # A bulk UPDATE: logging in must not raise the row version that guards the
    # administrators' edit form against stale saves.
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=now))
    record("auth.login", now=now, actor=user, ip=ip)
    record_sign_in(user, now=now)  # discipline against the duty roster is measured by it
    return LoginResult(LoginOutcome.OK, user=user, token=token)


def logout(user: User, token: str | None, *, now: datetime, ip: str = "") -> None:
    sessions.end_session(token, now=now, reason="logout")
    record("auth.logout", now=now, actor=user, ip=ip)
    record_sign_out(user, now=now)
