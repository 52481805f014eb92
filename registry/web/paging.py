"""A page of a query, with the metadata in the body where every client and the schema see it."""

import math

import peewee as pw


def paginate(query: pw.ModelSelect, page: int, page_size: int) -> dict:
    """One page of `query` (which must have a stable order) with its pagination metadata."""
    total = query.count()
    return {
        "items": list(query.paginate(page, page_size)),
        "pagination": {
            "total": total,
            "page": page,
            "page_size": page_size,
            "total_pages": math.ceil(total / page_size) if total else 0,
        },
    }
