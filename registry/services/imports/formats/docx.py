"""Word documents (`.docx`), read with python-docx: every table of the body, in order, as a
sheet named 「表 N」, its rows numbered from 1 as the table shows them. The paragraphs just
above a table are its title: they come first, as the rows above a sheet's header do, where the
layout reads a title. A merged cell's text is given once across its row (Word repeats it per
grid column) and repeated down its column (as the layout fills a merged region down).
The document's parts are parsed whole, so none may inflate beyond a multiple of the upload
limit (a zip bomb); python-docx resolves no entities."""

from collections.abc import Iterator
from typing import IO

from registry.messages import Message
from registry.services.imports.formats import DOCUMENT_INFLATION, Limits, title_lines
from registry.services.imports.sheet import MAX_COLUMNS, Sheet, _reason, file_error


def read(file: IO[bytes], limits: Limits) -> list[Sheet]:
    import docx
    from docx.table import Table

    _check_inflation(file, limits)
    try:
        document = docx.Document(file)
    except Exception as exc:  # python-docx raises anything from KeyError to XML errors
        raise file_error(Message("import.docx_unreadable", reason=_reason(exc)), "format") from exc
    sheets, above = [], []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in element.iter(_W + "t")).strip()
            if text:
                above.append(text)
        elif tag == "tbl":
            title = title_lines(above)
            table = Table(element, document)
            name = f"表 {len(sheets) + 1}"
            sheets.append(
                Sheet("docx", _records(title, table), title=" ".join(title) or None, name=name)
            )
            above = []
    if not sheets:
        raise file_error(Message("import.no_tables", format="Word"), "format")
    return sheets


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_inflation(file: IO[bytes], limits: Limits) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(Message("import.docx_unreadable", reason=str(exc)), "format") from exc
    finally:
        file.seek(0)
    total = sum(part.file_size for part in parts)
    if total > DOCUMENT_INFLATION * limits.upload:
        raise file_error(
            Message("import.document_inflates", size=total, factor=DOCUMENT_INFLATION), "size"
        )


def _records(title: list[str], table) -> Iterator[tuple[int, list]]:
    for line in title:
        yield 0, [line]  # above the table: not a row of it
    try:
        for number, row in enumerate(table.rows, start=1):
            cells, previous = [], None
            for cell in row.cells[:MAX_COLUMNS]:
                cells.append(None if cell._tc is previous else cell.text)
                previous = cell._tc
            yield number, cells
    except Exception as exc:  # a table python-docx cannot lay out (spans beyond its grid…)
        raise file_error(Message("import.docx_unreadable", reason=_reason(exc)), "format") from exc
