"""What a clerk gives an import besides the list: the file as it came, and how to load it."""

from dataclasses import dataclass
from typing import IO

DEFAULT_UPLOAD_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class ImportOptions:
    """How to load a list: for real or dry, which rows, how much of them to answer."""

    dry_run: bool = False
    skip_unresolved: bool = False
    # Load only these districts' rows and skip the others (a county loading a city's list):
    # the districts given, or with `own_districts_only` a bureau's own.
    only_districts: frozenset[str] | None = None
    own_districts_only: bool = False
    # List every firm's row with its outcome (`outcomes`): a preview, row by row.
    outcomes: bool = False
    # A workbook's sheets to load, by name or 1-based position (none: every sheet with a list).
    sheets: tuple[str, ...] = ()
    max_rows: int = 200_000
    upload_limit: int = DEFAULT_UPLOAD_LIMIT


DEFAULT_OPTIONS = ImportOptions()


@dataclass
class Upload:
    """A file as it came: spooled, with the name and type the client gave (if any)."""

    file: IO[bytes]
    filename: str | None = None
    content_type: str | None = None
