"""The Unified Social Credit Code check (GB 32100-2015): 18 characters of 31, the last a check
character; a bad code is a 422 naming the field and the reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.models import Event
from schemas import credit_code
from schemas.credit_code import CreditCodeError, is_valid, normalize
from tests.support.codes import DISTRICT
from tests.support.http import assert_problem

# Written out from GB 32100-2015, not imported: the test is an independent oracle.
STANDARD_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
STANDARD_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

VALID = [
    "91410702MA9F3K2L2U",
    "91410703MA44R7T17N",
    "91410711MA3X0Q8N2W",
    "91410782174529633X",
    "91410783MA45BC0D8Q",
    "91350100M000100Y43",
]

INVALID = [
    # (code, words the reason must contain)
    ("91410702MA9F3K2L20", ["check character", "'U'"]),
    ("91410702MAOF3K2L2U", ["'O'", "position 11"]),
    ("91410702MA9F3K2L2", ["18", "17"]),
]


def standard_check_character(first17: str) -> str:
    total = sum(
        STANDARD_CHARSET.index(c) * w for c, w in zip(first17, STANDARD_WEIGHTS, strict=True)
    )
    return STANDARD_CHARSET[(31 - total % 31) % 31]


def test_charset_and_weights_are_the_standards():
    assert credit_code.CHARSET == STANDARD_CHARSET
    assert len(set(STANDARD_CHARSET)) == 31
    assert not set("IOSVZ") & set(STANDARD_CHARSET)
    assert tuple(credit_code.WEIGHTS) == STANDARD_WEIGHTS
    assert tuple(3**i % 31 for i in range(17)) == STANDARD_WEIGHTS


@pytest.mark.parametrize("code", VALID)
def test_valid_examples(code):
    assert normalize(code) == code
    assert is_valid(code)
    assert standard_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(("code", "reason"), INVALID)
def test_invalid_examples_say_why(code, reason):
    assert not is_valid(code)
    with pytest.raises(CreditCodeError) as raised:
        normalize(code)
    message = str(raised.value)
    for words in reason:
        assert words in message, message


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("", ["18", "0"]),
        ("91410702MA9F3K2L2UU", ["18", "19"]),
        ("91410702MA9F3K2L2U0000", ["18", "22"]),
        ("91410702MA9F3K2I2U", ["'I'", "position 16"]),
        ("9141070SMA9F3K2L2U", ["'S'", "position 8"]),
        ("91410702MA9V3K2L2U", ["'V'"]),
        ("Z1410702MA9F3K2L2U", ["'Z'", "position 1"]),
        ("91410702MA9F3K-L2U", ["'-'", "position 15"]),
        ("９1410702MA9F3K2L2U", ["'９'", "position 1"]),  # a full-width digit
        ("91410702MA9F3K 2L2U", ["18"]),  # inner blank: not trimmed away
    ],
)
def test_other_invalid_codes_say_why(code, words):
    with pytest.raises(CreditCodeError) as raised:
        normalize(code)
    for word in words:
        assert word in str(raised.value), str(raised.value)


def test_length_is_checked_before_characters():
    # 17 characters with a bad letter: the length is the reason given first.
    with pytest.raises(CreditCodeError, match="18"):
        normalize("91410702MAOF3K2L2")


@pytest.mark.parametrize(
    "raw",
    [
        " 91410702MA9F3K2L2U",
        "91410702MA9F3K2L2U  ",
        "\t91410702ma9f3k2l2u\n",
        "91410702Ma9F3k2L2u",
        "\u300091410702MA9F3K2L2U\u3000",  # ideographic spaces around (pasted from a list)
    ],
)
def test_input_is_trimmed_and_upper_cased(raw):
    assert normalize(raw) == "91410702MA9F3K2L2U"
    assert is_valid(raw)


def test_lower_case_forbidden_letter_is_refused_after_upper_casing():
    with pytest.raises(CreditCodeError, match="'O'"):
        normalize("91410702maof3k2l2u")


first17 = st.text(alphabet=STANDARD_CHARSET, min_size=17, max_size=17)


@given(first17)
def test_every_code_with_its_computed_check_character_is_valid(body):
    code = body + standard_check_character(body)
    assert normalize(code) == code
    assert normalize(f"  {code.lower()} ") == code
    assert credit_code.check_character(body) == code[17]


@given(first17, st.integers(0, 17), st.integers(1, 30))
def test_every_single_character_change_is_refused(body, position, shift):
    code = body + standard_check_character(body)
    # A different character of the charset at `position`: shifting its value by 1..30 mod 31.
    replacement = STANDARD_CHARSET[(STANDARD_CHARSET.index(code[position]) + shift) % 31]
    assert replacement != code[position]
    changed = code[:position] + replacement + code[position + 1 :]
    assert not is_valid(changed)
    with pytest.raises(CreditCodeError, match="check character"):
        normalize(changed)


@given(first17, st.integers(0, 17), st.sampled_from("IOSVZ-_ .*/中"))
def test_a_character_outside_the_charset_is_named(body, position, bad):
    code = body + standard_check_character(body)
    changed = code[:position] + bad + code[position + 1 :]
    with pytest.raises(CreditCodeError) as raised:
        normalize(changed)
    message = str(raised.value)
    if bad == " " and position in (0, 17):
        assert "18" in message  # trimmed away: now too short
    else:
        assert repr(bad) in message and f"position {position + 1}" in message, message


# The API: a bad code is refused with a 422 problem naming the field and the reason.


def _total(client, headers) -> int:
    response = client.get("/api/v1/enterprises", headers=headers)
    assert response.status_code == 200, response.json
    return response.json["pagination"]["total"]


@pytest.mark.parametrize(("code", "reason"), INVALID)
def test_api_refuses_a_bad_credit_code_with_the_reason(app, client, auth, code, reason):
    with app.app_context():
        events_before = Event.select().count()
    before = _total(client, auth["admin"])
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": code, "name": "新乡市校验失败有限公司", "district": DISTRICT},
        headers=auth["admin"],
    )
    body = assert_problem(response, 422)
    messages = body["errors"]["json"]["credit_code"]
    assert isinstance(messages, list) and messages
    for words in reason:
        assert any(words in m for m in messages), messages
    assert "unified social credit code" in body["detail"]
    assert body["code"].startswith("credit_code.")
    # Nothing written: no enterprise, no audit event.
    assert _total(client, auth["admin"]) == before
    with app.app_context():
        assert Event.select().count() == events_before


def test_api_bad_credit_code_with_a_bureau_token_is_also_refused(client, auth):
    before = _total(client, auth["admin"])
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": "91410702MA9F3K2L20", "name": "x", "district": DISTRICT},
        headers=auth["bureau"],
    )
    assert response.status_code == 422
    assert "credit_code" in response.json["errors"]["json"]
    assert _total(client, auth["admin"]) == before


def test_api_trims_and_upper_cases_the_credit_code(client, auth):
    response = client.post(
        "/api/v1/enterprises",
        json={
            "credit_code": "  91410702ma9f3k2l2u ",
            "name": "新乡市大小写有限公司",
            "district": DISTRICT,
        },
        headers=auth["admin"],
    )
    assert response.status_code == 201, response.json
    assert response.json["credit_code"] == "91410702MA9F3K2L2U"
    assert response.headers["Location"].endswith("/api/v1/enterprises/91410702MA9F3K2L2U")
    found = client.get("/api/v1/enterprises/91410702MA9F3K2L2U", headers=auth["admin"])
    assert found.status_code == 200
    # The same firm typed differently is the same firm: 409, not a second row.
    again = client.post(
        "/api/v1/enterprises",
        json={"credit_code": "91410702MA9F3K2L2U", "name": "重复", "district": DISTRICT},
        headers=auth["admin"],
    )
    assert again.status_code == 409


def test_api_anonymous_bad_code_is_401_not_422(client):
    response = client.post(
        "/api/v1/enterprises",
        json={"credit_code": "91410702MA9F3K2L20", "name": "x", "district": DISTRICT},
    )
    assert response.status_code == 401
    assert "errors" not in response.json
