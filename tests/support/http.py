"""Speaking HTTP in tests: a bearer token's headers, the media types, and the one check of an
error answer (an RFC 9457 problem)."""

PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The members every problem carries (RFC 9457): what went wrong, as a URI, a title and a detail.
REQUIRED = ("type", "title", "status", "code", "detail")


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _text(response) -> str:
    if hasattr(response, "get_data"):  # the test client's
        return response.get_data(as_text=True)[:400]
    return response.body[:400].decode(errors="replace")  # a real server's (servers.Reply)


def assert_problem(response, status: int, *, members=None, **expected) -> dict:
    """`response` is a problem: `status`, served as application/problem+json, its body with
    type, title and detail (non-empty text) and the same status. Stricter on demand: the body's
    members all among `members`, and each of `expected` (a member: its value) as given. Takes
    the test client's response or a real server's reply (servers.Reply); returns the body."""
    code = response.status_code if hasattr(response, "status_code") else response.status
    assert code == status, (code, _text(response))
    assert response.mimetype == PROBLEM, (response.mimetype, _text(response))
    body = response.json
    assert set(REQUIRED) <= set(body), body
    assert body["status"] == status, body
    for name in ("type", "title", "detail"):
        assert isinstance(body[name], str) and body[name], body
    if members is not None:
        assert set(body) <= set(members), body
    for name, value in expected.items():
        assert name in body and body[name] == value, body
    return body
