"""People's accounts: the admin creates, changes, disables, unlocks and resets them; a person
changes their own password. Every change is an audit event; a password set by someone else is
one-time (good for choosing one, for a while), and is shown once, in the answer that made it.

What ends a person's sessions at once (registry.services.people.sessions): being disabled,
losing or changing role or districts, a password changed or reset.
"""

import datetime as dt
import re

import peewee as pw

from registry.db import write_transaction
from registry.messages import Message
from registry.models import District, Session, SignInLock, User
from registry.services.audit import record
from registry.services.clock import now
from registry.services.errors import Conflict, Invalid, NotFound, invalid_field
from registry.services.people import passwords, rules
from registry.services.scope import Actor

ROLES = ("admin", "bureau", "viewer", "auditor")
_LOGIN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$"


def described(user: User) -> dict:
    """What the audit trail records of an account (never a password or its hash)."""
    return {
        "login": user.login,
        "name": user.name,
        "role": user.role,
        "districts": list(user.districts or ()),
        "disabled": user.disabled,
    }


def get(login: str) -> User:
    found = User.get_or_none(User.login == login)
    if found is None:
        raise NotFound("user.not_found", login=login)
    return found


def everyone() -> pw.ModelSelect:
    return User.select().order_by(User.login)


def shown(users: list[User]) -> list[User]:
    """The accounts, each with what is derived for showing it: `locked_until` (None: not
    locked) and `must_change_password`."""
    logins = [u.login for u in users]
    locks = {
        lock.login: lock.until
        for lock in SignInLock.select().where(
            SignInLock.login.in_(logins) & (SignInLock.until > now())
        )
    }
    for user in users:
        user.locked_until = locks.get(user.login)
        user.must_change_password = must_change_password(user) is not None
    return users


def locked_until(login: str) -> dt.datetime | None:
    """Until when the login is locked after failed sign-ins (None: not locked)."""
    lock = SignInLock.get_or_none(SignInLock.login == login)
    return lock.until if lock is not None and lock.until > now() else None


def _checked(role: str, name: str, districts) -> list[str]:
    if role not in ROLES:
        raise invalid_field("role", "user.unknown_role", roles=ROLES)
    if not (name or "").strip():
        raise invalid_field("name", "field.empty")
    districts = sorted(set(districts or ()))
    if role == "bureau" and not districts:
        raise invalid_field("districts", "user.districts_required")
    if role != "bureau" and districts:
        raise invalid_field("districts", "user.districts_not_taken")
    known = {d.code for d in District.select(District.code).where(District.code.in_(districts))}
    if unknown := [d for d in districts if d not in known]:
        raise invalid_field("districts", "districts.unknown", districts=unknown)
    return districts


def _retire_password(user: User) -> None:
    """Keep the person's own password among those not to reuse (a one-time one is not theirs)."""
    if user.password_hash and user.one_time_until is None:
        kept = [user.password_hash, *(user.previous_hashes or [])]
        user.previous_hashes = kept[: passwords.REMEMBERED]


def _one_time_password(user: User) -> str:
    """A new one-time password for `user` (saved by the caller)."""
    secret = passwords.one_time()
    _retire_password(user)
    user.password_hash = passwords.hashed(secret)
    user.password_set_at = now()
    user.one_time_until = now() + dt.timedelta(hours=rules.current().one_time_password_hours)
    return secret


def create(actor: Actor, login: str, name: str, role: str, districts=()) -> tuple[User, str]:
    """A new account, and its one-time password (shown once)."""
    login = (login or "").strip()
    if not re.match(_LOGIN, login):
        raise invalid_field("login", "field.login_form")
    districts = _checked(role, name, districts)
    with write_transaction():
        if User.select().where(User.login == login).exists():
            raise Conflict("user.exists", login=login)
        user = User(login=login, name=name.strip(), role=role, districts=districts)
        user.password_hash, user.previous_hashes = "", []
        secret = _one_time_password(user)
        user.save(force_insert=True)
        record(
            actor, "user.created", f"user/{login}", district=None, data=described(user), bump=False
        )
    return user, secret


def end_sessions(user: User) -> int:
    """End every open session of `user` (inside the caller's write)."""
    return (
        Session.update(ended_at=now())
        .where((Session.user == user) & Session.ended_at.is_null())
        .execute()
    )


def update(actor: Actor, user: User, changes: dict) -> User:
    """Change name, role, districts or disabled; a change of role, districts or disabling ends
    the person's sessions."""
    role = changes.get("role", user.role)
    districts = changes.get("districts", user.districts if role == "bureau" else [])
    name = changes.get("name", user.name)
    districts = _checked(role, name, districts)
    if actor.user_id == user.id and (changes.get("disabled") or role != user.role):
        raise Conflict("user.own_account")
    before = described(user)
    with write_transaction():
        user.name, user.role, user.districts = name.strip(), role, districts
        user.disabled = changes.get("disabled", user.disabled)
        user.updated_at = now()
        user.save()
        after = described(user)
        if any(before[k] != after[k] for k in ("role", "districts", "disabled")):
            end_sessions(user)
        record(
            actor,
            "user.updated",
            f"user/{user.login}",
            district=None,
            data={"before": before, "after": after},
            bump=False,
        )
    return user


def reset_password(actor: Actor, user: User) -> str:
    """A new one-time password (shown once); the person's sessions end."""
    with write_transaction():
        secret = _one_time_password(user)
        user.updated_at = now()
        user.save()
        end_sessions(user)
        record(
            actor, "user.password_reset", f"user/{user.login}", district=None, data={}, bump=False
        )
    return secret


def unlock(actor: Actor, user: User) -> None:
    """Lift a lock after failed sign-ins."""
    with write_transaction():
        SignInLock.delete().where(SignInLock.login == user.login).execute()
        record(actor, "user.unlocked", f"user/{user.login}", district=None, data={}, bump=False)


def change_password(actor: Actor, user: User, current: str, new: str) -> None:
    """The person's own change: the current password, then a new one that meets the rules;
    every session of theirs ends (the caller opens a new one)."""
    if not passwords.matches(user.password_hash, current):
        raise invalid_field("current_password", "password.wrong_current")
    if user.one_time_until is not None and user.one_time_until < now():
        raise invalid_field("current_password", "password.one_time_expired")
    found = passwords.problems(new, user.login, [user.password_hash, *user.previous_hashes])
    if found:
        raise Invalid(found[0], fields={"new_password": found})
    with write_transaction():
        _retire_password(user)
        user.password_hash = passwords.hashed(new)
        user.password_set_at = user.updated_at = now()
        user.one_time_until = None
        user.save()
        end_sessions(user)
        record(
            actor, "user.password_changed", f"user/{user.login}", district=None, data={}, bump=False
        )


def must_change_password(user: User) -> Message | None:
    """Why the person must choose a new password before anything else (None: they need not)."""
    if user.one_time_until is not None:
        return Message("auth.one_time_password")
    max_age = rules.current().password_max_age_days
    if max_age and user.password_set_at < now() - dt.timedelta(days=max_age):
        return Message("auth.password_too_old", days=max_age)
    return None
