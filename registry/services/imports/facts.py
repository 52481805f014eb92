"""The facts of a list, given once: the request's parameters, then the title, then a column.

A published list rarely has tier, year, date or document columns. Its title states the tier,
the 年度, the batch and whether it is a renewal (复核) list: "2023年度第一批河南省专精特新中小企
业名单", "通过复核的2020年度…名单", "第五批专精特新“小巨人”企业名单". The notice states the date,
the 文号 and the validity, which the clerk gives once for the whole list. What the parameters
leave out is read from the title; a column in a row wins over both. A fact still missing is
one error for the list, not one per row.
"""

import contextlib
import re
from dataclasses import dataclass

from registry.messages import Message, reason_of
from registry.models import STAGES
from registry.services.errors import invalid_field
from registry.services.imports import cells
from registry.services.imports.layout import Layout
from registry.services.imports.result import entry
from registry.services.imports.vocabulary import Vocabulary

FACTS = (
    "tier",
    "year",
    "certified_on",
    "valid_until",
    "renewal",
    "document_no",
    "batch",
    "revoked_on",
    "reason",
)
CERTIFY, REVOKE = "certify", "revoke"
# Lists that propose, and grant nothing: the province's 公示 of its proposed list, the city's
# 公示 of its recommendations, a county's own 申报/推荐 sheet. They move applications.
PUBLICIZE, REVIEW, APPLY = "publicize", "review", "apply"
PROPOSALS = {PUBLICIZE: "publicized", REVIEW: "reviewed", APPLY: "applied"}  # → the stage
ACTIONS = (CERTIFY, REVOKE, *PROPOSALS)
# A list of titles granted needs its tier and date; a list of titles revoked (撤销/取消) its
# tier, the revocation's date and a reason; a proposed list its tier only (its date, if given,
# dates the moves; else the day it is loaded).
REQUIRED = {
    CERTIFY: ("tier", "certified_on"),
    REVOKE: ("tier", "revoked_on", "reason"),
    **{action: ("tier",) for action in PROPOSALS},
}
LABELS = {
    "tier": "类别",
    "year": "年度",
    "certified_on": "公告日期",
    "valid_until": "有效期至",
    "renewal": "是否复核",
    "document_no": "文号",
    "batch": "批次",
    "revoked_on": "撤销日期",
    "reason": "撤销原因",
}
PARAMETER, TITLE, DEFAULT = "parameter", "title", "default"

_YEAR = re.compile(r"(\d{4})\s*年度")
_YEAR_ONLY = re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)")
_BATCH = re.compile(r"第\s*([一二三四五六七八九十百零〇两\d]+)\s*批")
_RENEWAL = re.compile(r"复核|复审")
_REVOCATION = re.compile(r"撤销|取消.{0,40}(称号|资格|认定)")
# What a title says of the list's kind, tried in this order after a revocation's words: the
# city's recommendations put to the public (拟推荐…公示); the province's or MIIT's proposed
# list (拟认定, 拟入选, 公示); a county's or a firm's own sheet (推荐, 申报). Any other title is
# a final list (公告, 通知) that grants its titles.
_TITLE_KINDS = (
    (re.compile(r"拟推荐"), REVIEW, None),
    (re.compile(r"拟认定|拟入选|公示"), PUBLICIZE, None),
    (re.compile(r"推荐"), APPLY, "recommended"),
    (re.compile(r"申报"), APPLY, "applied"),
)
_VALIDITY = re.compile(r"有效期(?:为|限)?[:：]?\s*(\S+?(?:至|到)\S+?日)")


@dataclass
class Fact:
    value: object = None
    source: str | None = None  # parameter | title | default; None: not given for the list
    column: str | None = None  # the column, as printed, that gives it row by row (and wins)


@dataclass
class ListFacts:
    facts: dict[str, Fact]
    title: str | None
    warnings: list[Message]
    renews_year: int | None = None  # a renewal list's 年度: that of the titles it renews
    action: str = CERTIFY
    action_source: str = DEFAULT
    stage: str | None = None  # a proposed list's: the stage its applications move to
    stage_source: str | None = None

    def value(self, name: str):
        return self.facts[name].value

    def missing(self) -> list[dict]:
        """One error per required fact no parameter, title or column gives."""
        return [
            entry(None, name, LABELS[name], Message("import.fact_missing", field=name))
            for name in REQUIRED[self.action]
            if self.facts[name].value is None and self.facts[name].column is None
        ]

    def answer(self) -> dict:
        """The facts used and where each came from (the import's `list`)."""
        facts = {}
        for name, fact in self.facts.items():
            value = fact.value.isoformat() if hasattr(fact.value, "isoformat") else fact.value
            facts[name] = {"value": value, "source": fact.source, "column": fact.column}
        return {
            "title": self.title,
            "action": {"value": self.action, "source": self.action_source, "column": None},
            "stage": {"value": self.stage, "source": self.stage_source, "column": None},
            "renews_year": self.renews_year,
            "facts": facts,
        }


def _given(name: str, value, vocabulary: Vocabulary):
    """A parameter's value, read as the same fact in a list would be; raises Invalid."""
    try:
        if name == "tier":
            key = vocabulary.tier(str(value))
            if key is None:
                raise ValueError(Message("cell.unknown_tier", value=value))
            return key
        if name == "year":
            return cells.year(value)
        if name in ("certified_on", "revoked_on"):
            return cells.date(value)
        if name == "valid_until":
            return cells.last_day(value)
        if name == "renewal":
            if isinstance(value, bool):
                return value
            answer = vocabulary.answer(str(value))
            if answer is None:
                raise ValueError(Message("cell.not_yes_no", value=value))
            return answer
        return cells.text(value, name)
    except ValueError as exc:
        raise invalid_field(name, reason_of(exc)) from exc


def from_title(title: str, vocabulary: Vocabulary) -> tuple[dict, int | None]:
    """What a title states: tier, year, batch, renewal, validity; and a renewed year."""
    stated: dict = {}
    tiers = vocabulary.tiers_in(title)
    if len(tiers) == 1:  # a title naming two tiers leaves the tier to a column
        stated["tier"] = tiers[0]
    renewal = bool(_RENEWAL.search(title))
    if renewal:
        stated["renewal"] = True
    year = _YEAR.search(title) or _YEAR_ONLY.search(title)
    renews_year = None
    if year and 2000 <= int(year.group(1)) <= 2100:
        # A renewal list's 年度 is that of the titles it renews; the renewal itself counts
        # toward the year of its announcement.
        if renewal:
            renews_year = int(year.group(1))
        else:
            stated["year"] = int(year.group(1))
    if batch := _BATCH.search(title):
        stated["batch"] = f"第{batch.group(1)}批"
    if validity := _VALIDITY.search(title):
        with contextlib.suppress(ValueError):  # one the title garbles is left to the parameter
            stated["valid_until"] = cells.last_day(validity.group(1))
    return stated, renews_year


def _action(given: dict, title: str | None) -> tuple[str, str, str | None]:
    """What the list does (grants, revokes or proposes), where that came from, and a proposed
    list's stage as its title words it (申报: applied, 推荐: recommended)."""
    titled = CERTIFY, DEFAULT, None
    if title and _REVOCATION.search(title):
        titled = REVOKE, TITLE, None
    elif title:
        titled = next(
            (
                (action, TITLE, stage)
                for words, action, stage in _TITLE_KINDS
                if words.search(title)
            ),
            titled,
        )
    if given.get("action"):
        if given["action"] not in ACTIONS:
            raise invalid_field("action", "import.unknown_action")
        # A county's sheet loaded as one keeps the stage its title words (推荐汇总表).
        stage = titled[2] if given["action"] == titled[0] == APPLY else None
        return given["action"], PARAMETER, stage
    return titled


def _stage(given: dict, action: str, titled: str | None) -> tuple[str | None, str | None]:
    """The stage a proposed list moves its applications to: a 公示's publicized, a city's
    拟推荐 reviewed; a county's sheet (apply) the stage given, else its title's, else applied.
    A stage given for a list that proposes nothing, or not an open stage, is refused."""
    stage = given.get("stage")
    if stage not in (None, ""):
        if action != APPLY:
            raise invalid_field("stage", "import.stage_needs_apply", action=action)
        if stage not in STAGES:
            raise invalid_field("stage", "application.open_stage", stage=stage)
        return stage, PARAMETER
    if action == APPLY and titled:
        return titled, TITLE
    if action in PROPOSALS:
        return PROPOSALS[action], DEFAULT
    return None, None


def read_facts(given: dict, layout: Layout, vocabulary: Vocabulary) -> ListFacts:
    """The list's facts: each parameter given, else the title's; with the columns that win."""
    title = layout.title
    action, action_source, titled_stage = _action(given, title)
    stage, stage_source = _stage(given, action, titled_stage)
    stated, renews_year = from_title(title, vocabulary) if title else ({}, None)
    if action == REVOKE and title:
        stated["reason"] = title  # "关于撤销…称号的通知" says why, unless the clerk does
    facts, warnings = {}, []
    for name in FACTS:
        fact = Fact(column=layout.printed(name) if layout.has(name) else None)
        if given.get(name) not in (None, ""):
            fact.value, fact.source = _given(name, given[name], vocabulary), PARAMETER
            if name in stated and stated[name] != fact.value:
                warnings.append(
                    Message(
                        "import.title_differs",
                        field=name,
                        stated=_shown(stated[name]),
                        given=_shown(fact.value),
                    )
                )
        elif name in stated:
            fact.value, fact.source = stated[name], TITLE
        facts[name] = fact
    if facts["renewal"].value is None and facts["renewal"].column is None:
        facts["renewal"] = Fact(False, DEFAULT)
    return ListFacts(
        facts, title, warnings, renews_year, action, action_source, stage, stage_source
    )


def _shown(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
