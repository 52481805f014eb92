"""Messages for people: every problem the registry reports has a stable `code`, and the catalog
(registry.messages.catalog) has an English and a Chinese text for each code, with placeholders
the problem's parameters fill.

A `Message` is the English text itself (a `str`: logs, the command line and plain `str()` read
it unchanged) that also carries its code and parameters, so the web layer can say it again in
the language the request asks for (`text(language)`, `localized(data, language)`). Nothing here
knows Flask: the services raise with a code and parameters, the schemas' refusals are Messages
too (registry.messages.fields), and the web layer picks the language.

Adding a code is one line in a catalog module: `"area.what": ("English {x}", "中文{x}")`.
"""

from __future__ import annotations

from registry.messages.catalog import CATALOG
from registry.messages.labels import label, stage_label

LANGUAGES = ("en", "zh")
ENGLISH, CHINESE = LANGUAGES
# Parameters naming a field, a tier or a district are shown by their label (公告日期,
# 创新型中小企业, 红旗区); a value that names none is shown as it is.
LABELLED = frozenset(
    {
        "field",
        "fields",
        "tier",
        "prerequisite",
        "held",
        "revoked_tier",
        "district",
        "listed",
        "resolved",
    }
)
# Parameters naming an application's stage are shown by its label (市级审核, reviewed by the city).
STAGED = frozenset({"stage", "target"})
_JOINED = {ENGLISH: ", ", CHINESE: "、"}


class Message(str):
    """A message for people: its English text, with its `code` and `params`."""

    code: str
    params: dict

    def __new__(cls, code: str, /, **params) -> Message:
        self = super().__new__(cls, render(code, params, ENGLISH))
        self.code, self.params = code, params
        return self

    def text(self, language: str) -> str:
        return render(self.code, self.params, language)

    def format(self, *_positional, **more) -> Message:
        """The same message with more parameters: marshmallow fills its templates this way
        (`str.format`'s signature; the catalog's placeholders are all named)."""
        return Message(self.code, **{**self.params, **more})

    def __reduce__(self):  # pickled whole (an import's child process sends them)
        return _rebuilt, (self.code, self.params)


def as_message(code: str | Message, **params) -> Message:
    """`code` said with `params`; a Message given already is kept as it is."""
    return code if isinstance(code, Message) else Message(code, **params)


def _rebuilt(code: str, params: dict) -> Message:
    return Message(code, **params)


class _Filled(dict):
    """A template's parameters, each shown in `language`; one not given is left as `{name}`."""

    def __init__(self, params: dict, language: str):
        super().__init__(params)
        self.language = language

    def __getitem__(self, name: str):
        if name not in self:
            return "{" + name + "}"
        value = super().__getitem__(name)
        if name in STAGED and isinstance(value, str):
            return stage_label(value, self.language)
        return shown(value, self.language, labelled=name in LABELLED)


def shown(value, language: str, *, labelled: bool = False):
    """A parameter as a message shows it: a Message in `language`, a field or tier by its
    label, a list joined."""
    if isinstance(value, Message):
        return value.text(language)
    if isinstance(value, list | tuple | set | frozenset):
        return _JOINED[language].join(str(shown(v, language, labelled=labelled)) for v in value)
    if labelled and isinstance(value, str):
        return label(value, language)
    return value


def render(code: str, params: dict, language: str) -> str:
    """The code's text in `language` (English if the catalog has no such language), filled."""
    texts = CATALOG.get(code)
    if texts is None:  # never in the registry's own code (a test checks): say the code
        return code
    template = texts[1] if language == CHINESE else texts[0]
    return template.format_map(_Filled(params, language))


def localized(data, language: str):
    """`data` (an answer, a problem's errors) with every Message in it in `language`."""
    if isinstance(data, Message):
        return data.text(language)
    if isinstance(data, dict):
        return {key: localized(value, language) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [localized(value, language) for value in data]
    return data


def code_of(value, default: str) -> str:
    """The code of a Message, else `default` (a refusal written as plain text)."""
    return value.code if isinstance(value, Message) else default


def language_of(tag: str | None) -> str:
    """The catalog's language for a language tag (a locale, Accept-Language's best match):
    Chinese for `zh…`, English for anything else or nothing."""
    return CHINESE if tag and tag.lower().replace("_", "-").startswith("zh") else ENGLISH


def reason_of(error: Exception) -> Message:
    """Why `error` refused a value: its Message (`raise ValueError(Message(...))`), or its
    text under the catch-all code when it was raised with plain text (a library's)."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Message) else Message("value.invalid", reason=str(error))
