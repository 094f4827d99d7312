"""Rate limits: a limited request gets a GOV.UK-style page with status 429."""

from .helpers import new_link


def test_trying_links_at_scale_is_limited(client):
    statuses = [client.get("/r/" + f"{n:022d}").status_code for n in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429
    page = client.get("/r/" + "x" * 22)
    assert page.status_code == 429
    assert page.soup.h1.get_text(strip=True) == "Sorry, there have been too many attempts"
    # A real link from the same address is limited too, until the window passes.
    assert client.get(new_link()).status_code == 429


def test_limits_are_per_address(client, app):
    for n in range(31):
        client.get("/r/" + f"{n:022d}", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert client.get(new_link(), environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200
