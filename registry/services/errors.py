"""Domain errors. The web layer maps each class to one HTTP status (registry.web.problems)."""


class DomainError(Exception):
    """A rule of the registry refused the operation; `detail` says which and why."""

    def __init__(self, detail: str, *, errors: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors

    def __reduce__(self):  # pickled whole (an import's child process raises them)
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(kind: type, args: tuple, state: dict) -> Exception:
    error = Exception.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class NotFound(DomainError):
    """No such thing is registered."""


class Conflict(DomainError):
    """The request contradicts what is stored (a duplicate, the ladder, a revocation bar)."""


class Invalid(DomainError):
    """A value is wrong in itself. `fields` names the fields refused, and why: where the caller
    sent each (a query, a body) is the web layer's to say; `errors` names a part of an uploaded
    list instead (its file, its rows, its resolution)."""

    def __init__(
        self, detail: str, *, errors: dict | None = None, fields: dict[str, list] | None = None
    ):
        super().__init__(detail, errors=errors)
        self.fields = fields


class Malformed(DomainError):
    """The request body cannot be read at all (broken JSON, say): 400."""


class Forbidden(DomainError):
    """The caller's scope does not reach the district named in the request."""


class Stale(DomainError):
    """The caller's copy (If-Match) is no longer the stored one."""


class ImportRejected(DomainError):
    """A list was refused (bad rows, unresolved names, a missing fact): nothing was written.
    `result` is the import's answer: its counts and every row's errors."""

    def __init__(self, detail: str, result: dict):
        super().__init__(detail)
        self.result = result


def invalid_field(field: str, message: str) -> Invalid:
    """An `Invalid` naming one field and why."""
    return Invalid(f"{field}: {message}", fields={field: [message]})
