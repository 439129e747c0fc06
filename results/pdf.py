"""HTML → PDF with WeasyPrint, fetching nothing but our own static files.

WeasyPrint's default URL fetcher opens any URL, `file://` included: a template that ever
rendered user text into an `src` or `url()` could read files from the server or reach the
network. `StaticOnlyFetcher` refuses every URL except `data:` and paths under STATIC_URL,
which it reads from the static files themselves (the finders in development, STATIC_ROOT
once collected) — never over HTTP and never outside those directories.

The PDFs are tagged PDF/UA-1 (WeasyPrint ≥ 61 supports the variant; it switches on
`pdf_tags`), with the document's <title> as title and <html lang> as language.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
# Relative URLs in report templates ({% static %} gives "/static/…") resolve against this.
BASE_URL = "https://rapport.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves `data:` URLs and our static files; refuses everything else (WeasyPrint logs
    the refusal and renders without the resource)."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = static_path_for(url)
        if path is None:
            raise ValueError(f"Ikke tilladt i rapporter: {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def static_path_for(url: str) -> Path | None:
    """The file behind a static URL of our own, or None. Only our base URL's host (or a
    bare path) counts; `..` cannot climb out (safe_join and the finders both refuse it)."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    if parts.scheme and (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    prefix = settings.STATIC_URL
    if not parts.path.startswith(prefix):
        return None
    name = unquote(parts.path[len(prefix) :])
    if not name or ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        candidate = Path(safe_join(str(settings.STATIC_ROOT), name))
    except Exception:  # SuspiciousFileOperation and friends: outside STATIC_ROOT
        return None
    return candidate if candidate.is_file() else None


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def html_to_pdf(html: str, *, on_layout: Callable[[], None] | None = None) -> RenderedPdf:
    """Lay out `html` and write a tagged PDF. `on_layout` is called between layout and
    writing, so a long report can report progress."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render(pdf_variant=PDF_VARIANT)
    if on_layout:
        on_layout()
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPdf(content=content, pages=len(document.pages))
