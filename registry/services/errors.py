"""Domain errors. The web layer maps each class to one HTTP status (registry.web.problems).

Each is raised with a message code and its parameters (registry.messages), e.g.
`NotFound("enterprise.not_found", credit_code=code)`: the web layer says it in the request's
language, `detail` in English (logs, the command line)."""

from registry.messages import Message, as_message


class DomainError(Exception):
    """A rule of the registry refused the operation; `message` says which and why (`code`
    names it), `detail` is its English text."""

    def __init__(self, code: str | Message, /, *, errors: dict | None = None, **params):
        message = as_message(code, **params)
        super().__init__(str(message))
        self.message, self.code, self.detail = message, message.code, str(message)
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
        self,
        code: str | Message,
        /,
        *,
        errors: dict | None = None,
        fields: dict[str, list] | None = None,
        **params,
    ):
        super().__init__(code, errors=errors, **params)
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

    def __init__(self, code: str | Message, result: dict, **params):
        super().__init__(code, **params)
        self.result = result


def invalid_field(field: str, code: str | Message, **params) -> Invalid:
    """An `Invalid` naming one field and why (`code` and its parameters; `field` is one of
    them, so that the message can name the field by its label)."""
    message = as_message(code, field=field, **params)
    return Invalid(message, fields={field: [message]})
