"""Browser fixtures: Debian's Chromium driven by Playwright, and an axe-core checker.

Never `playwright install` (it downloads a browser); `make browser-deps` installs Debian's
chromium, and without it these tests are skipped. Screenshots and axe reports go to
test-artifacts/ (gitignored).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live_server, started with a MEDIA_URL Django's live server can parse.

    Our settings have MEDIA_URL = None (attachments have no public URL at all), but Django's
    LiveServerThread wraps the site in a media-files handler that needs a string and answers
    every request with a TypeError otherwise. The prefix below is never linked to.
    """
    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="/__ingen-offentlige-filer__/"):
        server = LiveServer(addr)  # the server thread reads MEDIA_URL while it starts
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium er ikke installeret (`make browser-deps` eller `apt-get install chromium`).")
    if not AXE_JS.exists():
        pytest.skip("axe-core mangler i static/vendor/axe/ (`make assets`).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would refuse
    # database calls from the test body. Allow it only while the browser tests run.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test; fails the test on a JavaScript error or a broken asset."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript-fejl: {error}"))
    # A Content-Security-Policy refusal (an inline script or style, an asset from elsewhere)
    # is reported on the console; any of them fails the test — except those of axe-core,
    # the test's own tool, which adds <style> elements while it checks a page.
    page.on(
        "console",
        lambda message: (
            problems.append(f"CSP: {message.text} ({message.location.get('url')})")
            if message.type == "error"
            and "Content Security Policy" in message.text
            and "/vendor/axe/" not in (message.location.get("url") or "")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and "/static/" in response.url
            else None
        ),
    )
    yield page
    context.close()
    assert not problems, "Problemer i browseren:\n" + "\n".join(problems)


@pytest.fixture
def taxonomy(transactional_db):
    """The pejlemærker and mantras come from a data migration, which a transactional test's
    flush removes; put them back idempotently with the migration's own function."""
    importlib.import_module("initiatives.migrations.0003_taxonomy").seed(django_apps, None)


# axe does not test reflow (WCAG 1.4.10): a page that scrolls sideways is reported in axe's shape.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.right > width + 1 && !el.closest(".table--responsive-scroll");
  }).slice(-5);
  return {id: "reflow", impact: "serious", help: "Siden må ikke rulle vandret (WCAG 1.4.10)",
          helpUrl: "https://www.w3.org/WAI/WCAG21/Understanding/reflow.html",
          nodes: wide.map((el) => ({target: [el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : "")],
                                    html: el.outerHTML.slice(0, 160),
                                    failureSummary: "Går ud over kanten: " + Math.round(el.getBoundingClientRect().right) + " > " + width + " px"}))};
}"""


@dataclass
class AxeChecker:
    """Runs axe-core (plus a reflow check) on the current page and keeps every result, so one
    run reports every page."""

    pages: list[dict] = field(default_factory=list)

    def check(self, page, label: str) -> None:
        # On the portal's pages from its own static files (an inline copy would be refused
        # by the CSP); on a page set from a string (no origin), inline.
        if page.url.startswith("http"):
            page.add_script_tag(url="/static/vendor/axe/axe.min.js")
        else:
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            # resultTypes: only violations get full node details, which makes axe noticeably faster.
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        violations = result["violations"]
        if overflow := page.evaluate(OVERFLOW_JS):
            violations.append(overflow)
        self.pages.append({"label": label, "url": page.url, "violations": violations})

    @property
    def blocking(self) -> list[tuple[dict, dict]]:
        return [(p, v) for p in self.pages for v in p["violations"] if v["impact"] in BLOCKING_IMPACTS]

    def report(self) -> str:
        lines = []
        for page, violation in self.blocking:
            lines.append(f"[{violation['impact']}] {violation['id']} på {page['label']} ({page['url']})")
            lines.append(f"    {violation['help']} – {violation['helpUrl']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    • {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
                lines.append(f"      {node['html'][:160]}")
        return "\n".join(lines)

    def summary(self) -> str:
        rows = []
        for page in self.pages:
            found = ", ".join(f"{v['id']} ({v['impact']})" for v in page["violations"]) or "ingen"
            rows.append(f"{page['label']}: {found}")
        return "\n".join(rows)

    def save(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"{name}.json").write_text(json.dumps(self.pages, ensure_ascii=False, indent=1))


@pytest.fixture
def axe(request):
    checker = AxeChecker()
    yield checker
    checker.save(f"axe-{request.node.name}")
    print(f"\naxe ({len(checker.pages)} sider):\n{checker.summary()}")


@pytest.fixture
def screenshot():
    """screenshot(page, "name") saves a full-page PNG in test-artifacts/ to look at by eye."""

    def _take(page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _take
