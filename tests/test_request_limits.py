"""Bounded requests (issue 14 §3): a body larger than any real form is refused with a GOV.UK
413 page before it is read, with or without a Content-Length (chunked), ahead of the CSRF check;
the delivery receipts callback has a far smaller limit of its own; multipart bodies have their
parts and each field's size bounded too. Bodies here are made up as they are read, counting what
the portal consumed, so "not read" is measured rather than assumed."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from portal.delivery.receipts import RECEIPT_MAX_BYTES
from portal.questionnaire import COMMENT_MAX

from .delivery_support import CALLBACK_TOKEN
from .helpers import begin, new_link
from .staff_helpers import make_user, sign_in

MiB = 1024 * 1024
TOO_LARGE = "Sorry, what you sent was too large"
# The most a refused body may have been read: the limit and one read buffer beyond it.
SLACK = 64 * 1024


class CountingBody(io.RawIOBase):
    """A request body of ``size`` bytes that counts how much of it was read."""

    def __init__(self, size: int):
        self.size = size
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.consumed)
        buffer[:n] = b"a" * n
        self.consumed += n
        return n


def post_body(client, path: str, body, chunked: bool = False, **headers):
    """POST ``body`` as a browser or gunicorn would hand it to the app: with its Content-Length,
    or chunked (no Content-Length; gunicorn then sets wsgi.input_terminated)."""
    content_type = headers.pop("content_type", "application/x-www-form-urlencoded")
    environ = EnvironBuilder(
        path=path, method="POST", content_type=content_type, headers=headers
    ).get_environ()
    environ["wsgi.input"] = body
    if chunked:
        environ.pop("CONTENT_LENGTH", None)
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(body.size)
    return client.open(Request(environ))


def assert_too_large(page) -> None:
    assert page.status_code == 413, page.status_code
    assert page.soup.h1.get_text(strip=True) == TOO_LARGE
    assert page.soup.select_one("main a[href^='tel:']")  # the usual way to get help


def test_limits_fit_the_largest_real_form_and_the_proxy(app):
    # nginx in front refuses bodies over client_max_body_size 1m (1 MiB): never allow more.
    assert app.config["MAX_CONTENT_LENGTH"] <= MiB
    assert app.config["MAX_FORM_MEMORY_SIZE"] <= app.config["MAX_CONTENT_LENGTH"]
    assert app.config["MAX_FORM_PARTS"] >= 100


def test_an_oversized_post_is_refused_unread_before_the_csrf_check(client):
    body = CountingBody(32 * MiB)
    page = post_body(client, "/preferences", body)  # no CSRF token either
    assert_too_large(page)
    assert body.consumed == 0


def test_an_oversized_chunked_post_is_refused_having_read_no_more_than_the_limit(app, client):
    body = CountingBody(16 * MiB)
    page = post_body(client, "/code", body, chunked=True)
    assert_too_large(page)
    assert body.consumed <= app.config["MAX_CONTENT_LENGTH"] + SLACK


def test_a_chunked_post_within_the_limit_is_read_whole(client):
    # The CSRF token last, so a body cut short would lose it (and show "page has expired").
    form = {"code": "", "padding": "a" * 900_000, "csrf_token": client.csrf_token("/code")}
    page = post_body(client, "/code", io.BytesIO(urlencode(form).encode()), chunked=True)
    assert page.status_code == 400
    assert (
        page.soup.select_one(".govuk-error-summary")
        .get_text(strip=True)
        .endswith("Enter your code")
    )


def test_the_413_page_is_in_the_persons_language(client):
    # Easy Read: tests/test_easy_read.py.
    with client.session_transaction() as session:
        session["lang"] = "cy"
    page = post_body(client, "/preferences", CountingBody(2 * MiB))
    assert page.status_code == 413
    assert page.soup.html["lang"] == "cy"
    assert page.soup.h1.get_text(strip=True) != TOO_LARGE  # translated


def test_the_largest_real_forms_are_well_within_the_limit(app, client):
    """Every free-text box filled in 4-byte characters (each sent as 12 bytes, percent-encoded):
    textareas to 2,000 characters, other boxes to 120. The staff case form is the largest form,
    a question page the largest public one: each is under a quarter of the limit, and the portal
    answers it itself (a page or a redirect), not with a 413."""
    wide = "𝒜"  # 4 bytes in UTF-8
    begin(client, new_link())
    client.submit("/feedback/who", {"respondent": "adult"})
    question = {"q1_comment": wide * COMMENT_MAX}
    assert len(urlencode(question)) < app.config["MAX_CONTENT_LENGTH"] / 4
    staff = app.test_client()
    sign_in(staff, make_user("coordinator"))
    page = staff.get("/staff/cases/new")
    form = {"csrf_token": page.soup.find("input", attrs={"name": "csrf_token"})["value"]}
    for box in page.soup.select("form textarea"):
        form[box["name"]] = wide * 2000
    for box in page.soup.select("form input[type=text]"):
        form[box["name"]] = wide * 120
    form.update(reference="LARGE-1", quarter="2026-Q4", nhs_number="", care_first_number="")
    assert len(form) > 10
    size = len(urlencode(form))
    assert size < app.config["MAX_CONTENT_LENGTH"] / 4, size
    assert staff.post("/staff/cases/new", data=form).status_code in (200, 303)


@pytest.mark.parametrize("chunked", [False, True])
def test_delivery_receipts_have_a_small_limit_of_their_own(app, client, chunked):
    app.config["NOTIFY_CALLBACK_TOKEN"] = CALLBACK_TOKEN
    body = CountingBody(8 * MiB)
    answer = post_body(
        client,
        "/delivery/notify/receipts",
        body,
        chunked=chunked,
        content_type="application/json",
        Authorization=f"Bearer {CALLBACK_TOKEN}",
    )
    assert answer.status_code == 413
    assert body.consumed <= RECEIPT_MAX_BYTES + SLACK


def multipart(parts: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = "limit-test-boundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in parts
    )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_multipart_parts_and_field_sizes_are_bounded(app, client):
    parts, content_type = multipart([("q11", "forum")] * (app.config["MAX_FORM_PARTS"] + 1))
    assert len(parts) < app.config["MAX_CONTENT_LENGTH"]
    assert_too_large(client.post("/preferences", data=parts, content_type=content_type))
    field = "a" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    parts, content_type = multipart([("next", field)])
    assert_too_large(client.post("/preferences", data=parts, content_type=content_type))
