"""Applications: a firm's road to a title, stage by stage (`stages`: the rules of a move;
`write`: creating and moving one, with its history, audit event and tally; `tally`: the
funnel's counts, kept by every write)."""

from registry.services.applications.stages import OPEN, OUTCOMES, STAGES
from registry.services.applications.write import close_certified, create, move

__all__ = ["OPEN", "OUTCOMES", "STAGES", "close_certified", "create", "move"]
