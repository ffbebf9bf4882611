"""Hostile Markdown and HTML in an article body are sanitised when rendered."""

from __future__ import annotations

import pytest

from hai.haipedia.render import to_html, to_text
from tests.haipedia.conftest import html

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">klik</a>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<form action="/logout" method="post"><button>x</button></form>',
    '<div hx-post="/logout" hx-trigger="load">x</div>',
    '<p style="position:fixed;top:0">x</p>',
    '<iframe src="https://contoh.test"></iframe>',
    '<a href="https://contoh.test" onclick="alert(1)">ok</a>',
    "<object data=x></object><embed src=x>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "![x](javascript:alert(1))",
    '<input autofocus onfocus="alert(1)">',
]


@pytest.mark.parametrize("markdown", HOSTILE)
def test_hostile_input_is_neutralised(markdown):
    out = str(to_html(markdown)).lower()
    # A refused link stays as inert text; what matters is no live URL or attribute.
    assert '="javascript:' not in out and "='javascript:" not in out, (markdown, out)
    for bad in ("<script", "onerror", "onload", "onclick", "onfocus", "<svg",
                "<form", "hx-", "style=", "<iframe", "<object", "<embed", "<input", "<math",
                "<img"):  # fmt: skip
        assert bad not in out, (markdown, out)


def test_ordinary_markdown_survives():
    out = str(to_html("# Judul\n\n**Tebal** dan [tautan](https://djpb.kemenkeu.go.id)\n\n- satu"))
    assert "<h2>Judul</h2>" in out and "<strong>Tebal</strong>" in out
    assert 'href="https://djpb.kemenkeu.go.id"' in out and 'rel="noopener' in out
    assert "<li>satu</li>" in out
    assert to_text("**Tebal** &amp; <b>x</b>") == "Tebal & x"


def test_hostile_body_on_the_public_page(client, write):
    article = write("Artikel berbahaya", "Halo <script>alert('x')</script><img src=x onerror=y>")
    page = html(client.get(f"/haipedia/{article.id}"))
    assert "<script>alert" not in page and "onerror" not in page and "Halo" in page
