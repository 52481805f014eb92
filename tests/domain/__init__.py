"""The registry's rules at the service level: credit codes, the ladder and validity, plans and
their counting, the dashboards' tallies, demo data, and the statements each route sends."""
