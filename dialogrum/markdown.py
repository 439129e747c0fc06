"""Markdown for posts and minutes: rendered once at write time, then sanitised with nh3.

Two layers, so one mistake is not enough for an XSS:
1. Markdown runs with its raw-HTML processors removed, so typed HTML comes out as text
   (a reader sees "<script>" literally instead of losing it silently).
2. nh3 (ammonia) keeps only an allow-list of tags and attributes and only http, https and
   mailto links; every link gets rel="nofollow noopener noreferrer ugc".
Images are not allowed: an image would make every reader's browser fetch a third-party URL,
so `![alt](url)` stays a plain link. Headings start at h3 to keep the page's outline (the
page owns h1 and h2).
"""

from __future__ import annotations

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "del",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener noreferrer ugc"


class _HeadingsFromH3(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if element.tag in ("h1", "h2"):
                element.tag = "h3"


class _PortalMarkdown(Extension):
    def extendMarkdown(self, md):  # Markdown's API name
        md.preprocessors.deregister("html_block")
        for name in ("html", "image_link", "image_reference", "short_image_ref"):
            md.inlinePatterns.deregister(name)
        md.treeprocessors.register(_HeadingsFromH3(md), "portal_headings", 5)


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=[_PortalMarkdown(), "sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
