"""A Flask test client that checks every HTML page it fetches, the way a careful reviewer would:
it parses as HTML5, has exactly one h1, its title begins with the h1 (after any 'Error: '),
ids are unique, and every script carries the response's CSP nonce."""

from __future__ import annotations

import re
from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

NONCE = re.compile(r"'nonce-([^']+)'")


class PageProblem(AssertionError):
    pass


def check_page(response) -> BeautifulSoup:
    body = response.get_data(as_text=True)
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(body)
    except html5lib.html5parser.ParseError as error:
        line = body.splitlines()[parser.errors[0][0][0] - 1] if parser.errors else ""
        raise PageProblem(f"{response.request.path}: not valid HTML5: {error}\n{line}") from None
    soup = BeautifulSoup(body, "html.parser")
    where = response.request.path

    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        raise PageProblem(f"{where}: {len(h1s)} h1 elements")
    heading = " ".join(h1s[0].get_text().split())
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    if title.startswith("Error: ") or title.startswith("Gwall: ") or title.startswith("Błąd: "):
        title = title.split(": ", 1)[1]
    if not title.startswith(heading):
        raise PageProblem(f"{where}: title {title!r} does not begin with the h1 {heading!r}")

    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    repeated = [i for i, n in ids.items() if n > 1]
    if repeated:
        raise PageProblem(f"{where}: repeated ids {repeated}")

    csp = response.headers.get("Content-Security-Policy", "")
    match = NONCE.search(csp)
    if not match:
        raise PageProblem(f"{where}: no CSP nonce")
    for script in soup.find_all("script"):
        if script.get("nonce") != match.group(1):
            raise PageProblem(f"{where}: a script without the page's nonce: {str(script)[:80]}")
    if "unsafe-inline" in csp:
        raise PageProblem(f"{where}: CSP allows unsafe-inline")
    return soup


class CheckingClient(FlaskClient):
    """Every page fetched is checked; ``submit`` fills in the CSRF token like a browser would."""

    def open(self, *args, **kwargs):
        # Each request gets its own app context (and so its own `g` and database session), as
        # in a real server, even though the test itself holds one open.
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 302:
            response.soup = check_page(response)
        return response

    def csrf_token(self, path: str) -> str:
        page = self.get(path)
        field = page.soup.find("input", attrs={"name": "csrf_token"})
        assert field is not None, f"{path} has no CSRF token"
        return field["value"]

    def submit(self, path: str, data: dict | None = None, **kwargs):
        """GET the page for its token, then POST the form as a browser would."""
        form = {"csrf_token": self.csrf_token(path)}
        form.update(data or {})
        return self.post(path, data=form, **kwargs)
