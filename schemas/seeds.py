"""Schemas that validate the catalog in seeds/ before `registry init-db` loads it."""

import marshmallow as ma
from marshmallow import fields, validate

from schemas import Schema
from schemas.common import DistrictCode, Key
from schemas.imports import LIST_COLUMNS

DISTRICT_KINDS = ("district", "county", "county_city", "zone")
LEVELS = ("city", "province", "nation")
TARGET_KINDS = ("annual", "cumulative", "by_plan_end")
COMPARATORS = ("at_least", "more_than", "about")
TALLIES = ("flow", "level")


class SeedDistrictSchema(Schema):
    code = DistrictCode(required=True)
    name_zh = fields.String(required=True, validate=validate.Length(min=1))
    short_name_zh = fields.String(load_default=None)
    name_en = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(DISTRICT_KINDS))


class SeedCitySchema(Schema):
    code = DistrictCode(required=True)
    name_zh = fields.String(required=True)
    name_en = fields.String(required=True)


class SeedDistrictsFileSchema(Schema):
    city = fields.Nested(SeedCitySchema, required=True)
    districts = fields.List(
        fields.Nested(SeedDistrictSchema), required=True, validate=validate.Length(min=1)
    )

    @ma.validates_schema
    def _unique_codes(self, data, **kwargs):
        codes = [d["code"] for d in data["districts"]]
        if len(codes) != len(set(codes)):
            raise ma.ValidationError("district codes must be unique", "districts")


class SeedLadderSchema(Schema):
    key = Key(required=True)
    label_zh = fields.String(required=True)
    label_en = fields.String(required=True)
    primary = fields.Boolean(load_default=False)
    starts_on = fields.Date(
        load_default=None, metadata={"description": "Prerequisites apply from this day on"}
    )


class SeedTierSchema(Schema):
    key = Key(required=True)
    ladder = fields.String(required=True)
    rank = fields.Integer(required=True, validate=validate.Range(min=1))
    label_zh = fields.String(required=True)
    label_en = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    # 99: a title held until revoked (a listing)
    validity_years = fields.Integer(required=True, validate=validate.Range(min=1, max=99))
    prerequisite = fields.String(load_default=None, allow_none=True)
    has_quota = fields.Boolean(load_default=True)


class SeedTiersFileSchema(Schema):
    ladders = fields.List(fields.Nested(SeedLadderSchema), required=True)
    tiers = fields.List(fields.Nested(SeedTierSchema), required=True)

    @ma.validates_schema
    def _consistent(self, data, **kwargs):
        ladders = {ladder["key"] for ladder in data["ladders"]}
        if sum(ladder["primary"] for ladder in data["ladders"]) != 1:
            raise ma.ValidationError("exactly one ladder must be primary", "ladders")
        tiers = {t["key"]: t for t in data["tiers"]}
        if len(tiers) != len(data["tiers"]):
            raise ma.ValidationError("tier keys must be unique", "tiers")
        ranks = set()
        for tier in data["tiers"]:
            if tier["ladder"] not in ladders:
                raise ma.ValidationError(f"{tier['key']}: unknown ladder {tier['ladder']}", "tiers")
            if (tier["ladder"], tier["rank"]) in ranks:
                raise ma.ValidationError(f"{tier['key']}: rank taken in its ladder", "tiers")
            ranks.add((tier["ladder"], tier["rank"]))
            prerequisite = tier["prerequisite"]
            if prerequisite is not None and prerequisite not in tiers:
                raise ma.ValidationError(
                    f"{tier['key']}: unknown prerequisite {prerequisite}", "tiers"
                )


class SeedMeasureSchema(Schema):
    key = Key(required=True)
    label_zh = fields.String(required=True, validate=validate.Length(min=1))
    label_en = fields.String(required=True, validate=validate.Length(min=1))
    unit_zh = fields.String(required=True)
    unit_en = fields.String(required=True)
    tally = fields.String(required=True, validate=validate.OneOf(TALLIES))


class SeedMeasuresFileSchema(Schema):
    measures = fields.List(fields.Nested(SeedMeasureSchema), required=True)

    @ma.validates_schema
    def _unique_keys(self, data, **kwargs):
        keys = [m["key"] for m in data["measures"]]
        if len(keys) != len(set(keys)):
            raise ma.ValidationError("measure keys must be unique", "measures")


class SeedTargetSchema(Schema):
    key = Key(load_default=None)
    source_key = fields.String(load_default=None)
    tier = fields.String(load_default=None)
    measure = fields.String(load_default=None)
    kind = fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    comparator = fields.String(load_default="at_least", validate=validate.OneOf(COMPARATORS))
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    value = fields.Integer(required=True, validate=validate.Range(min=0))
    label_zh = fields.String(load_default=None)
    label_en = fields.String(load_default=None)
    quote_zh = fields.String(load_default=None)
    allocations = fields.Dict(
        keys=DistrictCode(),
        values=fields.Integer(validate=validate.Range(min=0)),
        load_default=dict,
    )

    @ma.validates_schema
    def _one_subject(self, data, **kwargs):
        if (data["tier"] is None) == (data["measure"] is None):
            raise ma.ValidationError("a target names either a tier or a measure", "tier")
        if data["year"] is None and data["kind"] != "by_plan_end":
            raise ma.ValidationError("required for annual and cumulative targets", "year")


class SeedNotTrackedSchema(Schema):
    key = fields.String(required=True)
    label_zh = fields.String(load_default=None)
    reason = fields.String(required=True)


class SeedPlanSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    title_zh = fields.String(required=True)
    title_en = fields.String(required=True)
    issuer_zh = fields.String(load_default=None)
    issued_on = fields.Date(load_default=None)
    years = fields.List(
        fields.Integer(validate=validate.Range(min=2000, max=2100)),
        required=True,
        validate=validate.Length(min=1),
    )
    source = fields.String(load_default=None)
    targets = fields.List(fields.Nested(SeedTargetSchema), required=True)
    not_tracked = fields.List(fields.Nested(SeedNotTrackedSchema), load_default=list)

    @ma.post_load
    def _defaults(self, data, **kwargs):
        """A by_plan_end target's year is the plan's last; a key defaults to source_key, else
        to the tier or measure and the kind (files written before keys existed)."""
        for target in data["targets"]:
            if target["year"] is None:
                target["year"] = max(data["years"])
            if target["key"] is None:
                subject = target["tier"] or target["measure"]
                target["key"] = target["source_key"] or f"{subject}_{target['kind']}"
        return data

    @ma.validates_schema
    def _targets_in_plan(self, data, **kwargs):
        years = sorted(data["years"])
        if years != list(range(years[0], years[-1] + 1)):
            raise ma.ValidationError("must be consecutive years, each once", "years")
        seen = set()
        for target in data["targets"]:
            year = target["year"]
            if year is not None and year not in years:
                raise ma.ValidationError(f"target year {year} outside plan", "targets")
            if target["kind"] == "by_plan_end" and year not in (None, years[-1]):
                raise ma.ValidationError(
                    f"a by_plan_end target's year is the plan's last ({years[-1]}), not {year}",
                    "targets",
                )
            subject = target["tier"] or target["measure"]
            key = (
                target["key"] or target["source_key"] or f"{subject}_{target['kind']}",
                year or years[-1],
            )
            if key in seen:
                raise ma.ValidationError(f"duplicate target {key}", "targets")
            seen.add(key)
            allocated = sum(target["allocations"].values())
            if target["allocations"] and allocated != target["value"]:
                raise ma.ValidationError(
                    f"target {key[0]} ({key[1]}): the district allocations sum to {allocated}, "
                    f"not the city target {target['value']}",
                    "targets",
                )


_wordings = fields.List(fields.String(validate=validate.Length(min=1)), required=True)
REGION_KINDS = ("city", "wider", "outside")


class SeedAnswersSchema(Schema):
    yes = _wordings
    no = _wordings


class SeedAliasesFileSchema(Schema):
    """seeds/aliases.json: how published lists print headers, tiers, districts and regions.
    What the names point at (columns, tier keys, district codes) is checked against the
    catalog when it is loaded."""

    headers = fields.Dict(
        keys=fields.String(validate=validate.OneOf(LIST_COLUMNS)), values=_wordings, required=True
    )
    tiers = fields.Dict(keys=fields.String(), values=_wordings, required=True)
    districts = fields.Dict(keys=DistrictCode(), values=_wordings)
    regions = fields.Dict(
        keys=fields.String(validate=validate.OneOf(REGION_KINDS)), values=_wordings, required=True
    )
    answers = fields.Nested(SeedAnswersSchema, required=True)
    comment = fields.String(data_key="_comment", load_default=None)
