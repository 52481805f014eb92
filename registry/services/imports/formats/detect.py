"""Which reader a file needs, by its content: the first bytes, then what a zip or an OLE2
compound file holds. The name and declared type only break a tie (JSON beside text). A file
that holds no list a reader can read — an image, an archive, an encrypted workbook, an old Word
document — is refused here with what it is and what to ask for instead."""

import zipfile
from typing import IO

from registry.messages import Message
from registry.services.imports.sheet import file_error

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
)
ARCHIVES = (
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
)
ZIPPED_OFFICE = (  # a zip's first folder → (format, what to save it as)
    ("ppt/", "PowerPoint (.pptx)", ".xlsx"),
)
OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.spreadsheet": ("ODS", ".xlsx"),
    b"application/vnd.oasis.opendocument.text": ("ODT", ".docx"),
}


def refused(what: str, save_as: str) -> Exception:
    return file_error(Message("import.format_other", format=what, save_as=save_as), "format")


def kind(file: IO[bytes], filename: str | None, content_type: str | None) -> str:
    """xlsx | xls | docx | pdf | json | text — or the file is refused, saying what it is."""
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _zipped(file)
    if head.startswith(OLE2):
        return _compound(file, (filename or "").lower())
    if head.startswith(b"%PDF"):
        return "pdf"
    for magic, name in IMAGES:
        if head.startswith(magic):
            raise file_error(Message("import.image", format=name), "format")
    for magic, name in ARCHIVES:
        if head.startswith(magic):
            raise file_error(Message("import.archive", format=name), "format")
    name, declared = (filename or "").lower(), (content_type or "").lower()
    if name.endswith(".xlsx"):
        return "xlsx"  # not a zip file, yet named so: read as XLSX, refused as such
    if name.endswith(".json") or declared.endswith("json"):
        return "json"
    if not name and not declared and head.lstrip()[:1] == b"{":
        return "json"
    return "text"


def _zipped(file: IO[bytes]) -> str:
    """A zip: a workbook (`xl/`), a Word document (`word/`), or something else named."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError):
        names, mimetype = [], b""  # a broken workbook: the XLSX reader says what is wrong
    finally:
        file.seek(0)
    if not names or any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if mimetype in OPEN_DOCUMENT:
        raise refused(*OPEN_DOCUMENT[mimetype])
    for folder, what, save_as in ZIPPED_OFFICE:
        if any(n.startswith(folder) for n in names):
            raise refused(what, save_as)
    raise file_error(Message("import.archive", format="ZIP"), "format")


def _compound(file: IO[bytes], name: str) -> str:
    """An OLE2 compound file: an Excel 97–2003 workbook, or what it is instead."""
    import olefile

    try:
        with olefile.OleFileIO(file) as ole:
            streams = {"/".join(path) for path in ole.listdir()}
    except Exception:  # olefile raises anything from OSError to struct errors on a bad file
        streams = set()
    finally:
        file.seek(0)
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        raise file_error(Message("import.encrypted"), "format")
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    if "WordDocument" in streams:
        if name.endswith(".wps"):
            raise refused("WPS 文字 (.wps)", ".docx")
        raise refused("Word 97–2003 (.doc)", ".docx")
    if name.endswith(".et"):
        raise refused("WPS 表格 (.et)", ".xlsx")
    if name.endswith(".wps"):
        raise refused("WPS 文字 (.wps)", ".docx")
    if "PowerPoint Document" in streams:
        raise refused("PowerPoint 97–2003 (.ppt)", ".xlsx")
    raise refused("OLE2 (Office 97–2003)", ".xlsx")
