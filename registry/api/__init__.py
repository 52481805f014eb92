"""The HTTP API: one module per resource, registered in this order (the docs' order)."""

from registry.api import (
    catalog,
    certifications,
    dashboards,
    enterprises,
    events,
    exports,
    figures,
    health,
    imports,
    people,
    tokens,
)

BLUEPRINTS = (
    health.blp,
    catalog.blp,
    dashboards.blp,
    enterprises.blp,
    certifications.blp,
    imports.blp,
    exports.blp,
    figures.blp,
    events.blp,
    tokens.blp,
    people.blp,
)
