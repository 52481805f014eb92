"""Schemas that validate the catalog in seeds/ before `registry init-db` loads it."""

import marshmallow as ma
from marshmallow import fields, validate

from schemas import Schema

DISTRICT_KINDS = ("district", "county", "county_city", "zone")
LEVELS = ("province", "nation")
TARGET_KINDS = ("annual", "cumulative")
_six_digits = validate.Regexp(r"^\d{6}$", error="must be a 6-digit division code")


class SeedDistrictSchema(Schema):
    code = fields.String(required=True, validate=_six_digits)
    name_zh = fields.String(required=True, validate=validate.Length(min=1))
    short_name_zh = fields.String(load_default=None)
    name_en = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(DISTRICT_KINDS))


class SeedCitySchema(Schema):
    code = fields.String(required=True, validate=_six_digits)
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


_key = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="must be a snake_case key")


class SeedLadderSchema(Schema):
    key = fields.String(required=True, validate=_key)
    label_zh = fields.String(required=True)
    label_en = fields.String(required=True)
    primary = fields.Boolean(load_default=False)


class SeedTierSchema(Schema):
    key = fields.String(required=True, validate=_key)
    ladder = fields.String(required=True)
    rank = fields.Integer(required=True, validate=validate.Range(min=1))
    label_zh = fields.String(required=True)
    label_en = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    validity_years = fields.Integer(required=True, validate=validate.Range(min=1, max=10))
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


class SeedTargetSchema(Schema):
    tier = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TARGET_KINDS))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    value = fields.Integer(required=True, validate=validate.Range(min=0))
    source_key = fields.String(load_default=None)
    quote_zh = fields.String(load_default=None)


class SeedPlanSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    title_zh = fields.String(required=True)
    title_en = fields.String(required=True)
    issuer_zh = fields.String(load_default=None)
    issued_on = fields.Date(load_default=None)
    years = fields.List(fields.Integer(), required=True, validate=validate.Length(min=1))
    source = fields.String(load_default=None)
    targets = fields.List(fields.Nested(SeedTargetSchema), required=True)

    @ma.validates_schema
    def _targets_in_plan(self, data, **kwargs):
        years = set(data["years"])
        seen = set()
        for target in data["targets"]:
            if target["year"] not in years:
                raise ma.ValidationError(f"target year {target['year']} outside plan", "targets")
            key = (target["tier"], target["kind"], target["year"])
            if key in seen:
                raise ma.ValidationError(f"duplicate target {key}", "targets")
            seen.add(key)
