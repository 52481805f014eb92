"""The SQL statements a piece of work sends, counted at the driver's door (peewee's query log)."""

import contextlib
import logging


class Statements(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record):
        # peewee logs each statement it sends as (sql, params)
        self.sql.append(record.msg[0] if isinstance(record.msg, tuple) else str(record.msg))


@contextlib.contextmanager
def logged_statements():
    """The statements sent while inside (`.sql`), from peewee's query log."""
    logger = logging.getLogger("peewee")
    handler, level = Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
