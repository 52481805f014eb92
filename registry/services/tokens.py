"""API tokens: issued at the command line or over the API, stored as a SHA-256 of the secret.

The admin issues and revokes tokens of any role; a bureau, enterprise tokens for the firms of
its districts (registry.services.scope), one by one or for every firm of a district that has
none yet. Every change is an audit event; a secret is shown once, in the answer that made it.
"""

import hashlib
import secrets

import peewee as pw

from registry.db import write_transaction
from registry.models import District, Enterprise, Token, utcnow
from registry.services import scope
from registry.services.audit import record, record_many
from registry.services.errors import Invalid, NotFound, invalid_field
from registry.services.scope import CLI_ACTOR, Actor
from schemas.credit_code import CreditCodeError, normalize

ROLES = ("admin", "bureau", "dashboard", "enterprise", "metrics")
SECRET_PREFIX = "ecr_"


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a plain digest suffices (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def _firm(credit_code: str) -> Enterprise:
    try:
        code = normalize(credit_code)
    except CreditCodeError as exc:
        raise invalid_field("credit_code", exc.args[0]) from exc
    firm = Enterprise.get_or_none(Enterprise.credit_code == code)
    if firm is None:
        raise NotFound("enterprise.not_found", credit_code=code)
    return firm


def _checked(role: str, name: str, districts, credit_code: str | None):
    """The token's scope, checked: sorted districts and the firm (for an enterprise token)."""
    if role not in ROLES:
        raise invalid_field("role", "token.unknown_role", roles=ROLES)
    if not name.strip():
        raise invalid_field("name", "field.empty")
    districts = sorted(set(districts))
    if role == "bureau":
        if not districts:
            raise invalid_field("districts", "token.districts_required")
        known = {d.code for d in District.select().where(District.code.in_(districts))}
        if unknown := [d for d in districts if d not in known]:
            raise invalid_field("districts", "districts.unknown", districts=unknown)
    elif districts:
        raise invalid_field("districts", "token.districts_not_taken")
    firm = None
    if role == "enterprise":
        if not credit_code:
            raise invalid_field("credit_code", "token.credit_code_required")
        firm = _firm(credit_code)
    elif credit_code:
        raise invalid_field("credit_code", "token.credit_code_not_taken")
    return districts, firm


def _described(token: Token) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "role": token.role,
        "districts": token.districts,
        "credit_code": token.credit_code,
    }


def create_token(
    role: str,
    name: str,
    *,
    districts: list[str] = (),
    credit_code: str | None = None,
    actor: Actor = CLI_ACTOR,
) -> tuple[Token, str]:
    """Issue a token and return it with its secret, which is not stored and not shown again.
    `actor` may issue it: the operator and the admin any; a bureau an enterprise token for a
    firm of its districts."""
    districts, firm = _checked(role, name, districts, credit_code)
    scope.ensure_issues_token(actor, role, firm.district_id if firm else None)
    secret = _new_secret()
    with write_transaction():
        token = Token.create(
            name=name.strip(),
            role=role,
            districts=districts,
            credit_code=firm.credit_code if firm else None,
            secret_hash=hash_secret(secret),
        )
        record(
            actor,
            "token.created",
            f"token/{token.id}",
            district=_district(token),
            data=_described(token),
        )
    return token, secret


def _district(token: Token) -> str | None:
    """The district an enterprise token's event belongs to (its bureau reads it)."""
    if token.credit_code is None:
        return None
    return (
        Enterprise.select(Enterprise.district)
        .where(Enterprise.credit_code == token.credit_code)
        .scalar()
    )


def get(actor: Actor, token_id: int) -> Token:
    """A token `actor` manages; NotFound otherwise (a bureau does not learn of others)."""
    token = Token.get_or_none(Token.id == token_id)
    if token is None or not scope.manages_token(actor, token.role, _district(token)):
        raise NotFound("token.not_found", id=token_id)
    return token


def revoke_token(token_id: int, *, actor: Actor = CLI_ACTOR) -> Token:
    """Revoke a token at once; requests carrying it get 401 from then on. Repeating it
    changes nothing."""
    with write_transaction():
        token = get(actor, token_id)
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            token.save()
            record(
                actor,
                "token.revoked",
                f"token/{token.id}",
                district=_district(token),
                data={"id": token.id, "name": token.name},
            )
    return token


def revoke_held_by(name: str, *, actor: Actor = CLI_ACTOR) -> list[Token]:
    """Revoke every active token held under `name` (someone who left: the tokens issued in
    their name), in one transaction, an event each; [] when none is active."""
    with write_transaction():
        held = list(visible(actor).where((Token.name == name.strip()) & Token.revoked_at.is_null()))
        for token in held:
            revoke_token(token.id, actor=actor)
    return held


def visible(actor: Actor) -> pw.ModelSelect:
    """The tokens `actor` manages, by id: all for the admin; a bureau's districts' firms'."""
    query = Token.select().order_by(Token.id)
    districts = scope.writes_only_in(actor)
    if districts is None:
        return query
    firms = Enterprise.select(Enterprise.credit_code).where(
        Enterprise.district.in_(list(districts))
    )
    return query.where((Token.role == "enterprise") & Token.credit_code.in_(firms))


def issue_for_firms(
    actor: Actor, *, district: str | None = None, credit_codes: list[str] | None = None
) -> list[tuple[Enterprise, Token, str]]:
    """An enterprise token for every firm of `district` (or of the codes given) that has no
    active one, in one transaction; each (firm, token, secret), by credit code."""
    if (district is None) == (credit_codes is None):
        raise Invalid("token.district_or_codes")
    if district is not None:
        scope.ensure_issues_token(actor, "enterprise", district)
        firms = list(
            Enterprise.select()
            .where(Enterprise.district == district)
            .order_by(Enterprise.credit_code)
        )
    else:
        by_code = {firm.credit_code: firm for firm in map(_firm, credit_codes)}
        firms = [by_code[code] for code in sorted(by_code)]
        for firm in firms:
            scope.ensure_issues_token(actor, "enterprise", firm.district_id)
    holders = set(
        Token.select(Token.credit_code)
        .where(
            (Token.role == "enterprise")
            & Token.revoked_at.is_null()
            & Token.credit_code.in_([f.credit_code for f in firms])
        )
        .tuples()
    )
    issued = []
    with write_transaction():
        for firm in firms:
            if (firm.credit_code,) in holders:
                continue
            secret = _new_secret()
            token = Token.create(
                name=firm.name,
                role="enterprise",
                districts=[],
                credit_code=firm.credit_code,
                secret_hash=hash_secret(secret),
            )
            issued.append((firm, token, secret))
        record_many(
            actor,
            [
                ("token.created", f"token/{t.id}", firm.district_id, _described(t))
                for firm, t, _ in issued
            ],
        )
    return issued


def holder(secret_hash: str) -> Actor | None:
    """The actor holding the token whose secret has this digest, or None (unknown, revoked)."""
    token = Token.get_or_none((Token.secret_hash == secret_hash) & Token.revoked_at.is_null())
    if token is None:
        return None
    return Actor(
        name=token.name,
        role=token.role,
        token_id=token.id,
        districts=tuple(token.districts or ()),
        credit_code=token.credit_code,
    )


def list_tokens() -> list[Token]:
    return list(Token.select().order_by(Token.id))
