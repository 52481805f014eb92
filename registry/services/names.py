"""Firm names as lists print them: one key for the spellings of one name.

Published lists print the same firm as `瑞德（长垣）机械有限公司` or `瑞德(长垣)机械有限公司`, with
full-width spaces or none; names-only lists identify a firm by this key alone.
"""

import re
import unicodedata

# Brackets NFKC leaves apart: all of them are one pair of parentheses in a name.
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")"})
_SPACE = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The name with width (NFKC), brackets, spaces and Latin case folded."""
    text = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    return _SPACE.sub("", text).casefold()
