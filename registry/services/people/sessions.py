"""Signing in and out, and who a session is.

A session's id is 256 random bits handed to the browser once (in a cookie); the registry keeps
only its SHA-256, with a CSRF token the pages send back with every write. A session ends after
its idle time, at its longest life, at sign-out, or when the person is disabled, changes role
or districts, or changes or resets the password: it is looked up on every request, never kept
in a worker's memory, so an end holds at once on every worker.

A wrong password, an unknown login and a disabled account fail alike (the same answer, about
the same time: an unknown login is checked against a dummy hash). Failures are counted by the
login tried, known or not, so a lock tells nobody whether a login exists; during a lock even the
right password is refused, and attempts do not prolong it.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from registry.db import write_transaction
from registry.messages import Message
from registry.models import Session, SignInFailure, SignInLock, User
from registry.services.audit import record
from registry.services.clock import now
from registry.services.errors import DomainError
from registry.services.people import accounts, passwords, rules
from registry.services.scope import Actor

LAST_SEEN_EVERY = dt.timedelta(minutes=1)  # a session's last request is written this often


class SignInFailed(DomainError):
    """Wrong login or password (or a disabled account): one answer for all."""

    locked = False  # this failure reached the limit and locked the login


class SignInLocked(DomainError):
    """Too many failed sign-ins of this login: refused until `until`."""

    def __init__(self, message: Message, until: dt.datetime):
        super().__init__(message)
        self.until = until


@dataclass(frozen=True)
class OpenSession:
    """A session in use: who it is, its CSRF token, and why (if so) it may only change the
    password."""

    actor: Actor
    csrf_token: str
    password_change_only: Message | None


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def actor_of(user: User, request_id: str | None = None) -> Actor:
    return Actor(
        name=user.name,
        role=user.role,
        login=user.login,
        user_id=user.id,
        districts=tuple(user.districts or ()),
        request_id=request_id,
    )


def _failed(login: str, address: str | None, request_id: str | None) -> bool:
    """Count a failed sign-in; the one that reaches the limit locks the login (True)."""
    limits, moment = rules.current(), now()
    window = moment - dt.timedelta(minutes=limits.sign_in_window_minutes)
    someone = Actor(name=login, role="anonymous", request_id=request_id)
    with write_transaction():
        SignInFailure.create(login=login, at=moment, address=address)
        record(
            someone,
            "user.sign_in_failed",
            f"user/{login}",
            district=None,
            data={"address": address},
            bump=False,
        )
        failures = (
            SignInFailure.select()
            .where((SignInFailure.login == login) & (SignInFailure.at > window))
            .count()
        )
        if failures >= limits.sign_in_max_failures:
            until = moment + dt.timedelta(minutes=limits.sign_in_lock_minutes)
            SignInLock.insert(login=login, until=until).on_conflict(
                conflict_target=[SignInLock.login], update={SignInLock.until: until}
            ).execute()
            SignInFailure.delete().where(SignInFailure.login == login).execute()
            record(
                someone,
                "user.locked",
                f"user/{login}",
                district=None,
                data={"until": until.isoformat(), "address": address},
                bump=False,
            )
            return True
    return False


def sign_in(
    login: str, password: str, *, address: str | None, request_id: str | None
) -> tuple[str, User, OpenSession]:
    """Open a session: its id (for the cookie, shown once), the person, and the session.
    Raises SignInFailed or SignInLocked."""
    login = (login or "").strip()
    if (locked := accounts.locked_until(login)) is not None:
        raise SignInLocked(Message("auth.sign_in_locked", until=f"{locked:%H:%M}"), locked)
    user = User.get_or_none(User.login == login)
    right = passwords.matches(user.password_hash, password) if user else False
    if user is None:
        passwords.match_nobody(password)
    expired = user is not None and user.one_time_until is not None and user.one_time_until < now()
    if not right or user.disabled or expired:
        failed = SignInFailed("auth.sign_in_failed")
        failed.locked = _failed(login, address, request_id)
        raise failed
    with write_transaction():
        if passwords.outdated(user.password_hash):
            user.password_hash = passwords.hashed(password)
            user.save()
        SignInFailure.delete().where(SignInFailure.login == login).execute()
        session_id, opened = open_session(user, address=address, request_id=request_id)
        record(
            actor_of(user, request_id),
            "user.signed_in",
            f"user/{login}",
            district=None,
            data={"address": address},
            bump=False,
        )
    return session_id, user, opened


def open_session(
    user: User, *, address: str | None, request_id: str | None
) -> tuple[str, OpenSession]:
    """A new session of `user`: its id (for the cookie, shown once) and the session."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    Session.create(
        id_hash=digest(session_id),
        user=user,
        csrf_token=csrf,
        address=address,
        created_at=now(),
        last_seen_at=now(),
    )
    return session_id, OpenSession(
        actor_of(user, request_id), csrf, accounts.must_change_password(user)
    )


def sign_out(session_digest: str, actor: Actor, *, address: str | None) -> None:
    with write_transaction():
        ended = (
            Session.update(ended_at=now())
            .where((Session.id_hash == session_digest) & Session.ended_at.is_null())
            .execute()
        )
        if ended:
            record(
                actor,
                "user.signed_out",
                f"user/{actor.login}",
                district=None,
                data={"address": address},
                bump=False,
            )


def holder(session_digest: str) -> OpenSession | None:
    """The open session with this digest, as of now; None if there is none (ended, idle too
    long, too old, or its person disabled). Notes the request as the session's last, at most
    once a minute."""
    found = (
        Session.select(Session, User)
        .join(User)
        .where((Session.id_hash == session_digest) & Session.ended_at.is_null())
        .first()
    )
    if found is None:
        return None
    limits, moment = rules.current(), now()
    idle = moment - found.last_seen_at > dt.timedelta(minutes=limits.session_idle_minutes)
    old = moment - found.created_at > dt.timedelta(hours=limits.session_max_hours)
    if idle or old or found.user.disabled:
        return None
    if moment - found.last_seen_at >= LAST_SEEN_EVERY:
        Session.update(last_seen_at=moment).where(Session.id_hash == session_digest).execute()
    user = found.user
    return OpenSession(actor_of(user), found.csrf_token, accounts.must_change_password(user))
