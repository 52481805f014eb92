"""Certifications, what `/certifications` and a firm's certifications serve: recording one
(`record`: certify, revoke, the dates and the ladder checked) and finding them across the
registry with what a bureau's working year derives (`search`: expiring, superseded, barred,
the renewal season)."""

from registry.services.certifications.record import (
    certify,
    default_valid_until,
    get,
    prepare,
    revocable,
    revoke,
    tiers_by_key,
    violation,
)
from registry.services.certifications.search import (
    of_firm,
    renewal_season,
    search,
    use_expiring_window,
    with_working_year,
)

__all__ = [
    "certify",
    "default_valid_until",
    "get",
    "of_firm",
    "prepare",
    "renewal_season",
    "revocable",
    "revoke",
    "search",
    "tiers_by_key",
    "use_expiring_window",
    "violation",
    "with_working_year",
]
