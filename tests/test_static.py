"""Static files are compressed, cacheable for a year, and versioned by content."""

import re


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


def test_only_one_script_is_loaded(client):
    scripts = client.get("/").soup.find_all("script", src=True)
    assert [s["src"].split("?")[0] for s in scripts] == ["/static/build/app.js"]
