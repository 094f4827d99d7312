"""Letters: HTML templates (templates/letters/) rendered to tagged, accessible PDF.

WeasyPrint turns the HTML into PDF/UA-1: a tagged PDF (a structure tree from the HTML's headings,
paragraphs, lists and tables, images with their alt text), with the document's language and
title, so a screen reader can read the letter as well as a printer can print it. QR codes are
drawn by segno as SVG, which prints sharply at any size and needs no image library.
"""

from __future__ import annotations

from collections.abc import Iterable

import segno

from .config import ROOT

PDF_VARIANT = "pdf/ua-1"  # tagged PDF; implies pdf_tags=True in WeasyPrint 62+


def _html(html: str):
    # Imported when a letter is made, not at start-up: WeasyPrint takes seconds to import, and
    # every web worker would pay that on each (re)start.
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ROOT))


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI, for an <img> with alt text."""
    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def render_pdf(html: str) -> bytes:
    return _html(html).write_pdf(pdf_variant=PDF_VARIANT)


def render_many(htmls: Iterable[str]) -> bytes:
    """Several letters as one PDF (the post room's print batch). Each letter starts on a new
    page, and keeps its own pages' tags."""
    documents = [_html(h).render(pdf_variant=PDF_VARIANT) for h in htmls]
    if not documents:
        raise ValueError("no letters")
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
