"""Progress against the plan, and certification statistics: what dashboards poll."""

from marshmallow import fields, validate

from schemas import Schema
from schemas.certifications import STATUSES
from schemas.common import DistrictCode, Key, ListParameter, Year
from schemas.seeds import COMPARATORS, TARGET_KINDS

PACES = ["achieved", "ahead", "on_track", "behind"]
PERIODS = ["running", "ended"]
# What statistics group by: expiry_year is the year of valid_until (the renewal season's).
STATS_KEYS = ("year", "tier", "district", "status", "month", "renewal", "expiry_year")


class DistrictsProgressQueryArgsSchema(Schema):
    year = Year(
        strict=False,
        metadata={"description": "A year of the plan; default: this year, within the plan"},
    )
    as_of = fields.Date(metadata={"description": "Count what was true on that day; default today"})


class ProgressQueryArgsSchema(DistrictsProgressQueryArgsSchema):
    district = DistrictCode(metadata={"description": "Count one district"})


class Quantity(fields.Number):
    """A count or an amount: integral values as JSON integers (3, not 3.0), others as decimals."""

    num_type = float

    def _format_num(self, value):
        return int(value) if float(value).is_integer() else float(value)


class ProgressRowSchema(Schema):
    key = fields.String(metadata={"description": "The plan's key of the target"})
    tier = fields.String(
        allow_none=True,
        metadata={"description": "The designation counted (or null)", "example": "innovative_sme"},
    )
    measure = fields.String(
        allow_none=True,
        metadata={"description": "The measure summed from bureaus' figures (or null)"},
    )
    kind = fields.String(metadata={"enum": list(TARGET_KINDS), "example": "annual"})
    comparator = fields.String(metadata={"enum": list(COMPARATORS), "example": "at_least"})
    year = fields.Integer(
        metadata={
            "description": "The target's year: the year asked for, or the later year a stock "
            "is to be reached by (a by_plan_end target: the plan's last), shown in every year "
            "before it with its pace toward that year's end"
        }
    )
    label_zh = fields.String(metadata={"example": "创新型中小企业"})
    label_en = fields.String(metadata={"example": "innovative SME (newly certified)"})
    unit_zh = fields.String(metadata={"example": "家"})
    city_target = fields.Integer(metadata={"description": "The plan's city-wide value"})
    allocated = fields.Boolean(
        metadata={"description": "true: `target` is the district's allocation by the plan"}
    )
    target = fields.Integer(metadata={"example": 500})
    achieved = Quantity(metadata={"example": 212})
    remaining = Quantity(metadata={"example": 288})
    completion = fields.Float(metadata={"description": "achieved / target", "example": 0.424})
    expected = fields.Float(
        metadata={
            "description": "Pro-rata share of the target at as_of: over its year, or for a "
            "stock to reach later, over the plan's years up to that one",
            "example": 250.68,
        }
    )
    pace = fields.String(metadata={"enum": PACES, "example": "behind"})
    met = fields.Boolean(
        metadata={
            "description": "Whether `achieved` meets the target as the plan words it: once "
            "the plan has ended (`period` ended), the final result, 完成 or 未完成",
            "example": False,
        }
    )


class RenewalSeasonRowSchema(Schema):
    """One tier's titles ending in the year: how many, and how many are taken over already."""

    tier = fields.String(metadata={"example": "specialized_sme"})
    expiring = fields.Integer(
        metadata={"description": "Titles ending in the year (not revoked before)", "example": 48}
    )
    renewed_or_superseded = fields.Integer(
        metadata={
            "description": "Of those, renewed (复核) or outranked by a higher title, at as_of",
            "example": 31,
        }
    )
    open = fields.Integer(metadata={"description": "Still to renew", "example": 17})
    ends_on = fields.Date(
        metadata={"description": "The last day one of these titles ends", "example": "2026-12-31"}
    )
    days_left = fields.Integer(
        metadata={"description": "Days from as_of to ends_on (0 once past)", "example": 25}
    )


def period_field() -> fields.String:
    """Whether the plan is still running on `as_of`: one definition for both progress answers."""
    return fields.String(
        metadata={
            "enum": PERIODS,
            "description": "running: as_of is within or before the plan's years; ended: after "
            "its last year, the figures are final (a screen shows 完成 / 未完成, no pace)",
            "example": "running",
        }
    )


class ProgressSchema(Schema):
    plan_id = fields.String(metadata={"example": "xinxiang-2023-2025"})
    year = fields.Integer(metadata={"example": 2024})
    as_of = fields.Date()
    period = period_field()
    district = fields.String(allow_none=True)
    targets = fields.List(fields.Nested(ProgressRowSchema))
    renewal_year = fields.Integer(
        metadata={
            "description": "The calendar year of as_of: `renewals` is its season, whatever "
            "plan year `year` is",
            "example": 2024,
        }
    )
    renewals = fields.List(
        fields.Nested(RenewalSeasonRowSchema),
        metadata={"description": "The renewal season of renewal_year, per tier"},
    )


class DistrictTargetSchema(Schema):
    """A district's count of one target; set against a target only where the plan allocates
    it among districts (else target, remaining, completion, expected and pace are null)."""

    key = fields.String(metadata={"description": "The target's key in `targets`"})
    achieved = Quantity(metadata={"example": 41})
    share = fields.Float(
        allow_none=True,
        metadata={
            "description": "achieved / the city's achieved (null while the city has none)",
            "example": 0.0912,
        },
    )
    allocated = fields.Boolean(
        metadata={"description": "true: the plan gives this district its own target"}
    )
    target = fields.Integer(allow_none=True, metadata={"description": "The district's allocation"})
    remaining = Quantity(allow_none=True)
    completion = fields.Float(allow_none=True, metadata={"description": "achieved / allocation"})
    expected = fields.Float(allow_none=True, metadata={"description": "Pro rata of the allocation"})
    pace = fields.String(allow_none=True, metadata={"enum": [*PACES, None]})
    met = fields.Boolean(allow_none=True, metadata={"description": "Meets the allocation"})


class DistrictProgressSchema(Schema):
    district = fields.String(metadata={"example": "410702"})
    targets = fields.List(fields.Nested(DistrictTargetSchema))


class DistrictsProgressSchema(Schema):
    plan_id = fields.String(metadata={"example": "xinxiang-2023-2025"})
    year = fields.Integer(metadata={"example": 2024})
    as_of = fields.Date()
    period = period_field()
    targets = fields.List(
        fields.Nested(ProgressRowSchema),
        metadata={"description": "The city's progress, as GET /plans/{id}/progress answers it"},
    )
    districts = fields.List(
        fields.Nested(DistrictProgressSchema),
        metadata={"description": "Every district, by code, with its count of each target"},
    )
    renewal_year = fields.Integer(
        metadata={
            "description": "The calendar year of as_of: `renewals` is its season, whatever "
            "plan year `year` is",
            "example": 2024,
        }
    )
    renewals = fields.List(
        fields.Nested(RenewalSeasonRowSchema),
        metadata={"description": "The city's renewal season of renewal_year, per tier"},
    )


class StatsQueryArgsSchema(Schema):
    group_by = ListParameter(
        fields.String(validate=validate.OneOf(STATS_KEYS)),
        load_default=list,
        metadata={
            "description": "Any of year, tier, district, status, month (YYYY-MM of "
            "certified_on), renewal, expiry_year (the year of valid_until), comma-separated or "
            "the parameter repeated"
        },
    )
    year = Year(strict=False)
    tier = Key()
    district = DistrictCode()
    status = fields.String(validate=validate.OneOf(STATUSES))
    expiry_year = Year(strict=False, metadata={"description": "Titles ending in that year"})
    renewal = fields.Boolean(
        metadata={"description": "false: new titles only (what annual targets count)"}
    )
    as_of = fields.Date(metadata={"description": "Status and counts on that day; default today"})


class StatsRowSchema(Schema):
    year = fields.Integer()
    tier = fields.String()
    district = fields.String()
    status = fields.String(metadata={"enum": STATUSES})
    month = fields.String(metadata={"description": "YYYY-MM of certified_on", "example": "2024-06"})
    expiry_year = fields.Integer(metadata={"description": "Year of valid_until", "example": 2025})
    renewal = fields.Boolean(metadata={"description": "A 复核 renewal"})
    count = fields.Integer(metadata={"example": 42})


class StatsSchema(Schema):
    group_by = fields.List(fields.String(), metadata={"example": ["year", "tier"]})
    as_of = fields.Date()
    rows = fields.List(fields.Nested(StatsRowSchema))
