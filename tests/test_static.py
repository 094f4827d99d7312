"""Static files are compressed, cacheable for a year, and versioned by content."""

import re
from pathlib import Path

from portal.easy_read import pictures_used

from .staff_helpers import make_user, sign_in


def test_pages_load_versioned_assets_served_compressed_and_cacheable(client):
    page = client.get("/")
    css = page.soup.find("link", rel="stylesheet")["href"]
    js = page.soup.find("script", src=True)["src"]
    for url in (css, js):
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        served = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert served.status_code == 200
        assert served.headers["Content-Encoding"] == "gzip"
        assert "max-age=31536000" in served.headers["Cache-Control"]
        assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_the_adults_pages_have_the_enhanced_contrast_stylesheet(client):
    """public.css (text and controls at 7:1) on the adult's pages, error pages included;
    portal.css (GOV.UK's colours) on staff pages."""

    def stylesheets(path):
        links = client.get(path).soup.find_all("link", rel="stylesheet")
        return [link["href"].split("?")[0] for link in links]

    for path in ("/", "/code", "/accessibility", "/no-such-page"):
        assert stylesheets(path) == ["/static/build/public.css"], path
    assert stylesheets("/staff/sign-in") == ["/static/build/portal.css"]
    css = client.get("/static/build/public.css").get_data(as_text=True)
    assert "--govuk-link-colour:#16548a" in css.replace(" ", "")


def test_only_one_script_is_loaded(client):
    scripts = client.get("/").soup.find_all("script", src=True)
    assert [s["src"].split("?")[0] for s in scripts] == ["/static/build/app.js"]


def test_sources_are_not_served(client):
    for path in (
        "/static/src/_app.scss",
        "/static/src/portal.scss",
        "/static/src/app.mjs",
        "/assets/images/govuk-crest.svg",
    ):
        assert client.get(path).status_code == 404, path


def test_every_static_file_is_one_a_page_or_the_css_loads(client, app):
    """The static folder is served whole (WhiteNoise, and Flask's own static route): it must
    hold only what pages load, never sources, maps or lock files."""
    sign_in(client, make_user("coordinator"))
    loaded = {f"easy_read/{name}.svg" for name in pictures_used()}
    for path in ("/", "/staff/cases"):
        soup = client.get(path).soup
        for tag in soup.find_all(["link", "script", "img"]):
            url = tag.get("href") or tag.get("src") or ""
            if url.startswith("/static/"):
                loaded.add(url.removeprefix("/static/").split("?")[0])
    css = next(name for name in loaded if name.endswith(".css"))
    for url in re.findall(
        r"url\(\"?([^)\"]+)", client.get(f"/static/{css}").get_data(as_text=True)
    ):
        loaded.add(url.removeprefix("/static/"))

    root = Path(app.static_folder)
    stored = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert {"build/portal.css", "build/public.css", "build/app.js"} <= stored
    for name in stored:
        assert re.sub(r"\.(gz|br)$", "", name) in loaded, f"static/{name} is served but not used"
