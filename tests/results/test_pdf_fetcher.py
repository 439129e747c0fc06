"""WeasyPrint fetches nothing but our own static files: no local files outside them, no
network, no climbing out with `..` — and the report fonts do load from the static files."""

from __future__ import annotations

import pytest
from weasyprint.urls import URLFetchingError, fetch

from results.pdf import BASE_URL, StaticOnlyFetcher, html_to_pdf, static_path_for
from tests.results.conftest import pdf_pages


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/static/css/portal.css",
        f"{BASE_URL}static/../slagelse_ou/settings.py",
        f"{BASE_URL}static/%2e%2e/slagelse_ou/settings.py",
        f"{BASE_URL}media/attachments/1/secret",
        "/etc/passwd",
    ],
)
def test_everything_but_our_static_files_is_refused(url):
    assert static_path_for(url) is None
    with pytest.raises(URLFetchingError), fetch(StaticOnlyFetcher(), url):
        pass


def test_our_static_files_and_data_urls_are_served():
    with fetch(StaticOnlyFetcher(), f"{BASE_URL}static/css/portal.css") as response:
        assert b"DKFDS" in response.read()
    with fetch(StaticOnlyFetcher(), "data:text/plain,hej") as response:
        assert response.read() == b"hej"


def test_a_document_that_points_at_a_local_file_renders_without_it(caplog):
    html = (
        '<html lang="da"><head><title>T</title></head><body><p>Synlig tekst</p>'
        '<img src="file:///etc/passwd" alt=""><iframe src="file:///etc/hostname"></iframe>'
        '<object data="file:///etc/hostname"></object></body></html>'
    )
    rendered = html_to_pdf(html)
    text = pdf_pages(rendered.content)[0]
    assert "Synlig tekst" in text and "root:" not in text
    assert "Ikke tilladt i rapporter: file:///etc/passwd" in caplog.text
