"""Opening an application through the API: the tier checked, the application created, and
what the ladder would refuse today said as a warning, not a refusal (a firm may apply while
its lower title is still on its way)."""

from registry.messages import Message
from registry.models import Application, Enterprise
from registry.services import enterprises
from registry.services.applications.write import create
from registry.services.certifications.record import tiers_by_key, violation
from registry.services.clock import today
from registry.services.errors import invalid_field
from registry.services.scope import Actor
from registry.services.standing import annotate

# What the ladder's rules say, as the warning an application carries instead.
WARNINGS = {
    "certification.prerequisite_missing": "application.prerequisite_missing",
    "certification.revocation_bar": "application.revocation_bar",
}


def submit(actor: Actor, enterprise: Enterprise, data: dict) -> tuple[Application, list]:
    """A new application of `enterprise` (as `enterprises.writable` gave it) from the request's
    fields, and its warnings (Messages); 422 for an unknown tier, 409 as `create` refuses."""
    tiers = tiers_by_key()
    tier = tiers.get(data["tier"])
    if tier is None:
        raise invalid_field("tier", "certification.unknown_tier", tier=data["tier"])
    details = {k: v for k, v in data.items() if k not in ("tier", "year")}
    application = create(actor, enterprise, tier, data["year"], **details)
    application.enterprise = enterprise
    return application, warnings(enterprise, tier, tiers)


def warnings(enterprise: Enterprise, tier, tiers: dict) -> list[Message]:
    """What the ladder would refuse if the title were announced today (a missing lower title,
    the revocation bar), as warnings."""
    day = today()
    history = annotate(enterprises.certifications_of(enterprise), day)
    found = violation(tier, day, False, history, tiers)
    if found is None or found.code not in WARNINGS:
        return []
    return [Message(WARNINGS[found.code], **found.params)]
