"""A firm's other names: what lists print for it besides its registered name.

A correction keeps the name it replaced (registry.services.enterprises); a clerk who resolves a
names-only row to a firm may keep the printed name too, so the next list that prints it is
matched by name without resolving again (registry.services.imports.firms reads both).
"""

from dataclasses import dataclass

from registry.db import write_transaction
from registry.models import Enterprise, FormerName
from registry.services import scope
from registry.services.audit import record
from registry.services.errors import Conflict
from registry.services.names import name_key
from registry.services.scope import Actor


@dataclass(frozen=True)
class KnownNames:
    """The firm's registered name and every other name it is matched by; `added`: whether
    the request added one."""

    credit_code: str
    name: str
    other_names: list[str]
    added: bool


def other_names(enterprise: Enterprise) -> list[str]:
    query = (
        FormerName.select(FormerName.name)
        .where(FormerName.enterprise == enterprise.id)
        .order_by(FormerName.id)
    )
    return [row.name for row in query]


def _owner(key: str) -> Enterprise | None:
    """The firm already matched by this folded name: by its name, else a name it had."""
    firm = Enterprise.get_or_none(Enterprise.name_key == key)
    if firm is None:
        former = FormerName.get_or_none(FormerName.name_key == key)
        firm = former.enterprise if former else None
    return firm


def remember(actor: Actor, enterprise: Enterprise, name: str) -> KnownNames:
    """Match `name` to this firm from now on (kept as one of its other names). A name it is
    matched by already changes nothing; another firm's name is refused (Conflict), since a
    list's row would then match two firms. `enterprise` is as `enterprises.writable` gave it."""
    scope.ensure_writes_in(actor, enterprise.district_id)
    name = name.strip()
    key = name_key(name)
    with write_transaction():
        owner = _owner(key)
        if owner is not None and owner.id != enterprise.id:
            raise Conflict("enterprise.name_of_another", name=name, owner=owner.credit_code)
        added = owner is None
        if added:
            FormerName.create(enterprise=enterprise.id, name=name, name_key=key)
            record(
                actor,
                "enterprise.name_remembered",
                f"enterprise/{enterprise.credit_code}",
                district=enterprise.district_id,
                data={"name": name},
            )
    return KnownNames(enterprise.credit_code, enterprise.name, other_names(enterprise), added)
