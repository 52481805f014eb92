"""Reading cells: the values of one row as lists write them, into the registry's.

Dates as `2023-06-28`, `2023/6/28`, `2023年6月28日` or a date cell; years as `2023` or
`2023年度`; yes and no as `是`/`否`, `复核`, `true`/`1`; a clear word when Excel has turned a
credit code into a number (`9.14107E+17`). Text keeps no control characters. (The apostrophe
our CSV exports put before formula-like text and all-digit codes is taken off by the CSV
reader, sheet.py: XLSX cells carry no marker.)
"""

import datetime as dt
import re

from registry.messages import Message
from schemas import credit_code as credit_codes

# ASCII digits only (Python's \d also takes ٢٠٢٣, which the documented pattern does not).
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.ASCII)
# A validity printed as a span: `2023年1月1日至2025年12月31日`; its end is the date that counts.
SPAN = re.compile(r"^(?:有效期(?:为|限)?[:：]?)?\s*(.+?)\s*(?:至|到|—|–|~|～|\s-\s)\s*(.+?)\s*止?$")
YEAR_TEXT = re.compile(r"^(\d{4})\s*(年度?)?$", re.ASCII)
EXCEL_NUMBER = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE | re.ASCII)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_TEXT = {
    "name": 200,
    "document_no": 100,
    "batch": 100,
    "industry_chain": 100,
    "reason": 500,
    "contact_name": 100,  # as the application stores them
    "contact_phone": 40,
}


# What counts as blank around a value: the white space of the documented patterns (ECMAScript's
# \s), no more (Python's strip() would also take NEL and the file separators, which are not).
BLANK = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def plain(value) -> str:
    """A cell as text: numbers without a trailing `.0`, stripped of blanks."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(BLANK)


def text(value, name: str) -> str:
    """Free text (a name, a 文号): bounded, without control characters."""
    found = plain(value)
    if len(found) > MAX_TEXT[name]:
        raise ValueError(Message("cell.too_long", max=MAX_TEXT[name]))
    if CONTROL.search(found):
        raise ValueError(Message("cell.control_characters"))
    return found


def credit_code(value) -> str:
    """A checked credit code; a number is a code Excel has mangled, said so."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(Message("cell.number_not_text", value=repr(value)))
    found = plain(value)
    if EXCEL_NUMBER.match(found):
        raise ValueError(Message("cell.excel_number", value=found))
    return credit_codes.normalize(found)  # CreditCodeError is a ValueError too


def date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell without a date format
    found = plain(value)
    match = DATE_TEXT.match(found)
    if not match:
        raise ValueError(Message("cell.not_date", value=found))
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError as exc:
        raise ValueError(Message("cell.not_date", value=found)) from exc


def last_day(value) -> dt.date:
    """A date, or the end of a printed span (`2023年1月1日至2025年12月31日`)."""
    try:
        return date(value)
    except ValueError:
        span = SPAN.match(value.strip()) if isinstance(value, str) else None
        if span is None:
            raise
    start, end = date(span.group(1)), date(span.group(2))
    if end < start:
        raise ValueError(Message("cell.span_reversed", value=value.strip()))
    return end


def year(value) -> int:
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(Message("cell.not_year", value=repr(value)))
    found = plain(value)
    match = YEAR_TEXT.match(found)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError(Message("cell.not_year", value=found))
    return int(match.group(1))
