"""Passwords: argon2id hashes, and the rules a new password meets.

argon2id at OWASP's smallest recommended cost (19 MiB, 2 passes, 1 lane): about 30 ms of one
core a hash here, so that people signing in leave the screens' polling its cores (make bench
measures polling while people sign in). A hash made with other parameters is made again at
the next sign-in.
"""

import re
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from registry.messages import Message

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_LENGTH = 10
KINDS_NEEDED = 3  # of lower case, upper case, digits, symbols
REMEMBERED = 5  # a new password is none of the last five
_KINDS = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]")
_NOBODY = {"hash": None}  # verified against when the login is unknown: the same time either way


def hashed(password: str) -> str:
    return HASHER.hash(password)


def matches(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def match_nobody(password: str) -> bool:
    """Take the time a real check takes, for a login that does not exist; always False."""
    if _NOBODY["hash"] is None:
        _NOBODY["hash"] = HASHER.hash(secrets.token_urlsafe(16))
    matches(_NOBODY["hash"], password)
    return False


def outdated(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def problems(password: str, login: str, previous: list[str]) -> list[Message]:
    """What is wrong with `password` as a new password of `login` (messages for people);
    empty when it may be used. `previous`: the hashes it must not match."""
    found = []
    if len(password) < MIN_LENGTH:
        found.append(Message("password.too_short", length=MIN_LENGTH))
    kinds = sum(bool(re.search(kind, password)) for kind in _KINDS)
    if kinds < KINDS_NEEDED:
        found.append(Message("password.kinds"))
    if login and login.lower() in password.lower():
        found.append(Message("password.contains_login"))
    if any(matches(old, password) for old in previous[:REMEMBERED]):
        found.append(Message("password.reused", count=REMEMBERED))
    return found


def one_time() -> str:
    """A random password that meets the rules (shown once, to be replaced at first sign-in)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        drawn = (
            "".join(secrets.choice(alphabet) for _ in range(12)) + "-" + str(secrets.randbelow(10))
        )
        if not problems(drawn, "", []):
            return drawn
