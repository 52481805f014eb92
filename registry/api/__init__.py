"""The HTTP API: one module per resource, registered in this order (the docs' order)."""

MODULES = (
    "health",
    "catalog",
    "dashboards",
    "enterprises",
    "certifications",
    "imports",
    "exports",
    "figures",
    "events",
    "tokens",
)
