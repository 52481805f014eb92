"""The HTTP API: one module per resource, registered in this order (the docs' order)."""

from registry.api import (
    applications,
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
    applications.blp,
    imports.blp,
    exports.blp,
    figures.blp,
    events.blp,
    tokens.blp,
    people.blp,
)
