"""The database: its handle and connections (connection), transactions (transactions), bulk SQL
(bulk) and backups (backup), one job a module; the names callers use, here."""

from registry.db.backup import BackupRefused, backup_sqlite
from registry.db.bulk import (
    bulk_insert,
    bump_versions,
    json_text,
    last_id,
    new_ids,
    rows_of,
    rows_where_in,
)
from registry.db.connection import (
    database,
    drop_connection,
    forget_connection,
    is_sqlite,
    open_database,
    own_connection,
)
from registry.db.transactions import (
    after_commit,
    at_commit,
    read_snapshot,
    reserved_ids,
    write_transaction,
)

__all__ = [
    "BackupRefused",
    "after_commit",
    "at_commit",
    "backup_sqlite",
    "bulk_insert",
    "bump_versions",
    "database",
    "drop_connection",
    "forget_connection",
    "is_sqlite",
    "json_text",
    "last_id",
    "new_ids",
    "open_database",
    "own_connection",
    "read_snapshot",
    "reserved_ids",
    "rows_of",
    "rows_where_in",
    "write_transaction",
]
