"""Markdown to safe HTML: rendered by markdown-it-py, then sanitised by nh3 (Ammonia).

Whatever an author (or an integration) writes, only the tags and attributes below
survive: no script, style, event handler, ``hx-*`` attribute, SVG, form or iframe, and
links only to http(s) and mail addresses.
"""

from __future__ import annotations

import html as html_lib
from functools import cache, lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b",
    "i", "code", "pre", "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
    "del", "kbd", "sup", "sub",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> MarkdownIt:
    # Headings start at h2 on the page; an author's "# x" becomes h1, mapped below.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")


def to_html(markdown: str) -> Markup:
    """Safe HTML of an article body."""
    raw = _markdown().render(markdown or "")
    raw = raw.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        raw,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 (sanitised just above)


@lru_cache(maxsize=4096)
def to_text(markdown: str) -> str:
    """The article's plain text (snippets, insertion into a reply, the chatbot)."""
    clean = nh3.clean(_markdown().render(markdown or ""), tags=set())
    text = html_lib.unescape(clean)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
