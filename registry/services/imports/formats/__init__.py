"""Readers of the containers a list arrives in, each `read(file, limits) -> list[Sheet]`: one
sheet per worksheet or table that may hold a list, in the file's order. `detect` tells which
reader a file needs by its content (its first bytes and, for a zip or an OLE2 file, what it
holds), never by its name or declared type alone; a file that is not a list is refused there,
saying what it is."""

import re
from dataclasses import dataclass

MAX_PDF_PAGES = 300  # the longest national list fills about 120 pages
MAX_PDF_SECONDS = 60.0  # a page's tables take ~0.15 s; a page built to be slow stops here
MAX_XLS_CELLS = 2_000_000  # a sheet's rows × columns, as xlrd holds them in memory
DOCUMENT_INFLATION = 4  # a .docx's parts are parsed whole: at most 4 × the upload limit


@dataclass(frozen=True)
class Limits:
    """What any reader may spend on one file."""

    upload: int  # bytes of the upload (inflation is bounded as a multiple of it)
    pages: int = MAX_PDF_PAGES
    seconds: float = MAX_PDF_SECONDS  # finding a PDF's tables, within the worker's timeout
    cells: int = MAX_XLS_CELLS


TITLE_LINES = 3  # an 附件 line, a title of one or two lines
_NOTE = re.compile(r"^\s*(注|备注|说明)\s*\d*\s*[:：]")


def title_lines(lines: list[str]) -> list[str]:
    """A table's title from the lines above it: the last few, not the notes below the table
    before (`注：…`)."""
    return [line for line in lines if not _NOTE.match(line)][-TITLE_LINES:]
