"""The stages of an application and the one rule of a move: forward only.

Open stages, in order: candidate (in the bureau's pool) < applied < recommended (by the
county) < reviewed (by the city) < publicized (on the proposed list, 公示). An application is
closed as certified, rejected (a reason is required) or withdrawn, from any open stage.
A move may skip stages; it never goes back, and nothing moves a closed application.
"""

from registry.models import OUTCOMES, STAGES
from registry.services.errors import Conflict, invalid_field

OPEN = frozenset(STAGES)
RANK = {stage: rank for rank, stage in enumerate(STAGES)}


def is_open(stage: str) -> bool:
    return stage in OPEN


def check_move(current: str, target: str, reason: str | None) -> str | None:
    """Why a move from `current` to `target` is refused (raises), or the reason to store
    (trimmed; None when none was given)."""
    if target not in OPEN and target not in OUTCOMES:
        raise invalid_field("stage", "application.unknown_stage", stage=target)
    reason = (reason or "").strip() or None
    if target == "rejected" and reason is None:
        raise invalid_field("reason", "application.reason_blank")
    if not is_open(current):
        raise Conflict("application.closed", stage=current)
    if is_open(target) and RANK[target] <= RANK[current]:
        raise Conflict("application.backward", stage=current, target=target)
    return reason


def highest_after(highest: str, target: str) -> str:
    """The furthest open stage reached once the application is at `target`."""
    if is_open(target) and RANK[target] > RANK[highest]:
        return target
    return highest


__all__ = ["OPEN", "OUTCOMES", "RANK", "STAGES", "check_move", "highest_after", "is_open"]
