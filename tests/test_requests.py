"""Form and query-string values arrive cleaned of characters that HTML and PostgreSQL cannot
take."""

from flask import request

from portal.requests import remove_controls

from .helpers import CONSENT_AGREE, begin, new_link, response_for


def test_controls_and_noncharacters_are_removed_but_line_breaks_stay():
    dirty = "a\x00b\x08c\x1fd\x7fe\x85f\ufdd0g\ufffeh\U0001fffei\U0010ffffj\ue000k\tl\nm\rn"
    assert remove_controls(dirty) == "abcdefghijk\tl\nm\rn"
    assert (
        remove_controls("Zażółć gęślą jaźń – Cymraeg: ŵ ŷ 😀")
        == "Zażółć gęślą jaźń – Cymraeg: ŵ ŷ 😀"
    )


def test_an_answer_with_control_characters_is_stored_clean(client):
    path = new_link()
    begin(client, path)
    client.submit("/feedback/who", {"respondent": "adult"})
    client.submit("/feedback/consent", CONSENT_AGREE)
    client.submit(
        "/feedback/q1", {"q1": "always", "q1_comment": "Kind\x00 staff\U0001ffff\r\nThanks"}
    )
    assert response_for(path).answer("q1").comment == "Kind staff\nThanks"


def test_query_string_values_are_cleaned_too(app):
    with app.test_request_context("/staff/cases?quarter=2026%00-Q1&quarter=%7F&theme=ok"):
        assert request.args.getlist("quarter") == ["2026-Q1", ""]
        assert request.args["theme"] == "ok"
