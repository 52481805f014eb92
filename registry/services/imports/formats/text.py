"""Text lists: CSV or tab-separated, as a spreadsheet saves them or a clerk pastes them.
UTF-8 (with or without BOM) and GB18030/GBK are read by the CSV reader; UTF-16 with its BOM
(Excel's "Unicode text") is decoded here first, into UTF-8 the CSV reader then reads."""

import codecs
import tempfile
from typing import IO

from registry.messages import Message
from registry.services.imports.formats import Limits
from registry.services.imports.sheet import (
    SNIFF_BYTES,
    SPOOL_IN_MEMORY,
    Sheet,
    file_error,
    read_csv,
)


def read(file: IO[bytes], limits: Limits) -> list[Sheet]:
    head = file.read(2)
    file.seek(0)
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        file = _as_utf8(file)
    return [Sheet("csv", read_csv(file))]


def _as_utf8(file: IO[bytes]) -> IO[bytes]:
    """UTF-16 text (its BOM tells the byte order) as UTF-8: at most 1.5 × its size."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    utf8 = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    try:
        while chunk := file.read(SNIFF_BYTES):
            utf8.write(decoder.decode(chunk).encode("utf-8"))
        utf8.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        utf8.close()
        raise file_error(Message("import.encoding", encoding="UTF-16"), "encoding") from exc
    utf8.seek(0)
    return utf8
