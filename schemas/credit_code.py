"""The Unified Social Credit Code (统一社会信用代码, GB 32100-2015)."""

import operator
import re

from marshmallow import ValidationError

from registry.messages import Message

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
LENGTH = 18
_WELL_FORMED = re.compile(f"[{CHARSET}]{{{LENGTH}}}")


class CreditCodeError(ValueError):
    """The code is not a valid credit code; its message (a Message, `args[0]`) says why."""


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 (which must be from the charset)."""
    total = sum(map(operator.mul, map(_VALUE.__getitem__, first17), WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    """Trim and upper-case `code`, then check it; return it or raise `CreditCodeError`."""
    code = code.strip().upper()
    if _WELL_FORMED.fullmatch(code) and code[17] == check_character(code[:17]):
        return code  # the common case, checked at C speed; below, the reason for the others
    if len(code) != LENGTH:
        raise CreditCodeError(Message("credit_code.length", length=LENGTH, found=len(code)))
    for position, char in enumerate(code, start=1):
        if char not in _VALUE:
            raise CreditCodeError(
                Message("credit_code.character", character=char, position=position)
            )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            Message("credit_code.check_character", expected=expected, found=code[17])
        )
    return code


def checked(code: str) -> None:
    """A marshmallow validator: a code that fails its check is refused with the reason."""
    try:
        normalize(code)
    except CreditCodeError as exc:
        raise ValidationError(exc.args[0]) from exc


def is_valid(code: str) -> bool:
    try:
        normalize(code)
    except CreditCodeError:
        return False
    return True
