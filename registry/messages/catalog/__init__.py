"""The catalog: every code's English and Chinese text, one module an area. A text's
placeholders (`{field}`) are the problem's parameters; both texts of a code use the same ones
(a test checks). Kept as data in Python, not gettext catalogs: the command line and the
services read it without Flask, and there is nothing to compile."""

from registry.messages.catalog import containers, fields, http, imports, registry

AREAS = (http, fields, registry, imports, containers)
CATALOG: dict[str, tuple[str, str]] = {}  # code → (English, Chinese)
for _area in AREAS:
    CATALOG.update(_area.TEXTS)
