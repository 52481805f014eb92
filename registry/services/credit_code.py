"""The Unified Social Credit Code check, as the services name it: the algorithm lives with the
schemas (schemas/credit_code.py), which validate it at the door and depend on nothing here."""

from schemas.credit_code import CHARSET, CreditCodeError, check_character, is_valid, normalize

__all__ = ["CHARSET", "CreditCodeError", "check_character", "is_valid", "normalize"]
