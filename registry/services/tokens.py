"""API tokens: created at the command line, stored as a SHA-256 of the secret only."""

import hashlib
import secrets

from registry.db import write_transaction
from registry.models import District, Enterprise, Token, utcnow
from registry.services.audit import CLI_ACTOR, Actor, record
from registry.services.errors import Invalid, NotFound
from schemas import credit_code as credit_codes

ROLES = ("admin", "bureau", "dashboard", "enterprise")
SECRET_PREFIX = "ecr_"


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a plain digest suffices (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    role: str, name: str, *, districts: list[str] = (), credit_code: str | None = None
) -> tuple[Token, str]:
    """Create a token and return it with its secret, which is not stored and not shown again."""
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}")
    if not name.strip():
        raise Invalid("name must not be empty")
    districts = sorted(set(districts))
    if role == "bureau":
        if not districts:
            raise Invalid("a bureau token needs at least one --district")
        known = {d.code for d in District.select().where(District.code.in_(districts))}
        if unknown := [d for d in districts if d not in known]:
            raise Invalid(f"unknown district code(s): {', '.join(unknown)}")
    elif districts:
        raise Invalid("only a bureau token takes --district")
    if role == "enterprise":
        if not credit_code:
            raise Invalid("an enterprise token needs --credit-code")
        try:
            credit_code = credit_codes.normalize(credit_code)
        except credit_codes.CreditCodeError as exc:
            raise Invalid(f"credit code: {exc}") from exc
        if not Enterprise.select().where(Enterprise.credit_code == credit_code).exists():
            raise NotFound(f"no enterprise with credit code {credit_code} is registered")
    elif credit_code:
        raise Invalid("only an enterprise token takes --credit-code")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        token = Token.create(
            name=name.strip(),
            role=role,
            districts=districts,
            credit_code=credit_code,
            secret_hash=hash_secret(secret),
        )
        record(
            CLI_ACTOR,
            "token.created",
            f"token/{token.id}",
            district=None,
            data={
                "id": token.id,
                "name": token.name,
                "role": role,
                "districts": districts,
                "credit_code": credit_code,
            },
        )
    return token, secret


def revoke_token(token_id: int) -> Token:
    """Revoke a token at once; requests carrying it get 401 from then on."""
    with write_transaction():
        token = Token.get_or_none(Token.id == token_id)
        if token is None:
            raise NotFound(f"no token with id {token_id}")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            token.save()
            record(
                CLI_ACTOR,
                "token.revoked",
                f"token/{token.id}",
                district=None,
                data={"id": token.id, "name": token.name},
            )
    return token


def authenticate(secret: str) -> Actor | None:
    """The actor holding `secret`, or None for an unknown or revoked token."""
    token = Token.get_or_none(
        (Token.secret_hash == hash_secret(secret)) & Token.revoked_at.is_null()
    )
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
