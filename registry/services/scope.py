"""Who is acting, and how far they reach: the scope rules, decided here and only here.

The web layer authenticates the token and checks its role (registry.web.auth); the services
call these rules with what they already loaded, so an object is read once and judged once:
- an enterprise token reads only its own firm (403 for any other, registered or not);
- a bureau reads city-wide and writes only in its districts (city-wide figures: the admin);
  a registry-wide list of titles that names no district answers a bureau its own districts;
- an audit trail reader of a bureau sees its districts' events.
"""

from dataclasses import dataclass, field

from registry.services.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """Who is acting: a token's holder, a person signed in, or the operator at the command line."""

    name: str
    role: str
    token_id: int | None = None
    login: str | None = None  # a person's
    user_id: int | None = None  # a person's
    districts: tuple[str, ...] = field(default_factory=tuple)
    credit_code: str | None = None
    request_id: str | None = None  # of the HTTP request writing, for the audit trail


CLI_ACTOR = Actor(name="cli", role="admin")


def ensure_reads_firm(actor: Actor, credit_code: str) -> None:
    """An enterprise token reads its own firm only; called before the firm is looked up, so
    the answer is the same whether another code is registered or not."""
    if actor.role == "enterprise" and credit_code != actor.credit_code:
        raise Forbidden("scope.enterprise_reads_own")


def writes_in(actor: Actor, district: str | None) -> bool:
    """Whether `actor` may write in `district` (None: city-wide, the admin's alone)."""
    if actor.role == "bureau":
        return district is not None and district in actor.districts
    return actor.role == "admin"


def ensure_writes_in(actor: Actor, district: str | None) -> None:
    """Refuse a write outside the actor's districts (403), naming the district."""
    if not writes_in(actor, district):
        if district:
            raise Forbidden("scope.not_your_district", district=district)
        raise Forbidden("scope.not_city_wide")


def writes_only_in(actor: Actor) -> frozenset[str] | None:
    """The districts `actor` writes in, when they are not all of them (the admin's)."""
    return frozenset(actor.districts) if actor.role == "bureau" else None


def manages_token(actor: Actor, role: str, district: str | None) -> bool:
    """Who hands out and revokes tokens: the admin any; a bureau the enterprise tokens of its
    districts' firms (`district`: the firm's)."""
    if actor.role == "admin":
        return True
    return actor.role == "bureau" and role == "enterprise" and writes_in(actor, district)


def ensure_issues_token(actor: Actor, role: str, district: str | None) -> None:
    if not manages_token(actor, role, district):
        raise Forbidden("scope.issues_no_token", role=role, district=district)


def listed_districts(actor: Actor | None) -> tuple[str, ...] | None:
    """The districts a registry-wide list of titles answers `actor` when it names no district:
    a bureau's own (its renewal season); None: every district (the admin, a viewer)."""
    return actor.districts if actor is not None and actor.role == "bureau" else None


def visible_districts(actor: Actor) -> tuple[str, ...] | None:
    """The districts whose audit events `actor` reads; None: every district."""
    return actor.districts if actor.role == "bureau" else None
