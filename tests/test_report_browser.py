"""The HTML review report in a real browser: Debian's headless Chromium driven by playwright.

Skips when playwright (``pip install playwright``) or ``/usr/bin/chromium`` (``apt-get
install chromium chromium-driver``) is missing; playwright's own browser download is never
used. Set REPORT_SCREENSHOT=/some/path.png to keep a copy of the screenshot.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_samples import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    hostile,
    injection,
    many,
    quantum,
    romania,
    span_count,
)

from summarizer.report.html import render_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="playwright is not installed: pip install playwright (it drives /usr/bin/chromium)")
if not CHROMIUM.exists():
    pytest.skip("no browser: /usr/bin/chromium is missing (apt-get install chromium "
                "chromium-driver)", allow_module_level=True)

PAGE_SIZE = 4


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """file:// URLs of a 9-article report (3 index pages) and a single-article one."""
    folder = tmp_path_factory.mktemp("reports")
    digests = [quantum(), romania(), hostile(), injection(), *many(5)]
    multi = folder / "multi.html"
    multi.write_text(render_report(digests, title="Weekly review", page_size=PAGE_SIZE),
                     encoding="utf-8")
    single = folder / "single.html"
    single.write_text(render_report([quantum()]), encoding="utf-8")
    big = folder / "big.html"
    big.write_text(render_report(many(1000)), encoding="utf-8")  # default page size: 50
    return {"multi": multi.as_uri(), "single": single.as_uri(), "big": big.as_uri()}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that fails the test on any script error or console error (CSP violations too)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900},
                                  reduced_motion="reduce")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    assert errors == []


def marks(tab: Any, selector: str = "mark.ev") -> int:
    count: int = tab.locator(selector).count()
    return count


def test_article_spans_are_highlighted_and_linked_to_their_rows(
    page: Any, reports: dict[str, str], tmp_path: Path
) -> None:
    page.goto(reports["multi"] + "#a=1")
    d = quantum()
    assert page.locator("h2.headline").inner_text() == d.summary.headline
    # one highlight per evidence span; the sector span crossing the MoU span is split in two
    assert marks(page, "mark.ev:not(.cont)") == span_count(d) == 11
    assert marks(page) == span_count(d) + 1
    assert page.evaluate("new Set([...document.querySelectorAll('mark.ev')]"
                         ".map(m => m.dataset.span)).size") == span_count(d)
    quotes = page.evaluate("""() => {
        const out = {};
        document.querySelectorAll('mark.ev').forEach(m => {
            out[m.dataset.span] = (out[m.dataset.span] || '') + m.textContent; });
        return out; }""")
    first = page.evaluate(
        "JSON.parse(document.getElementById('report-articles').textContent.split('\\n')[0])")
    assert quotes == {str(i): s["q"] for i, s in enumerate(first["spans"])}

    page.locator('tr[data-key="parties:1"]').click()  # China: two spans
    assert page.locator("mark.ev.active").evaluate_all(
        "ms => ms.map(m => m.dataset.key + ' ' + m.textContent)") == [
            "parties:1 China", "parties:1 China"]
    assert "active" in page.locator('tr[data-key="parties:1"]').get_attribute("class")
    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    if os.environ.get("REPORT_SCREENSHOT"):
        shutil.copyfile(screenshot, os.environ["REPORT_SCREENSHOT"])

    page.locator('mark.ev[data-key="parties:4"]').click()  # Ahsan Iqbal, in the text
    assert page.locator("tr.item.active").evaluate_all("rs => rs.map(r => r.dataset.key)") == [
        "parties:4"]
    assert "Huawei" in page.locator("#warnings").inner_text()


def test_hostile_markup_is_shown_as_text_and_never_runs(
    page: Any, reports: dict[str, str]
) -> None:
    page.goto(reports["multi"] + "#a=3")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img, svg, b, i, iframe").count() == 0
    text = page.locator("#article-text").inner_text()
    assert HOSTILE_SCRIPT in text and HOSTILE_IMG in text
    assert page.locator("h2.headline").inner_text().startswith("<b>Portugal</b> & Morocco")
    assert page.locator('a[href^="javascript"]').count() == 0
    assert marks(page) == span_count(hostile())
    # offsets past the astral character still land on the right words (UTF-16 conversion)
    assert page.locator('mark.ev[data-key="parties:0"]').inner_text() == "Portugal"
    assert page.locator('mark.ev[data-key="parties:1"]').inner_text() == HOSTILE_SCRIPT


def test_index_pages_and_filters(page: Any, reports: dict[str, str]) -> None:
    page.goto(reports["multi"])
    rows = page.locator("tr.index-row")
    assert page.locator("#page-of").inner_text() == "Page 1 of 3"
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.article)") == ["1", "2", "3", "4"]
    page.locator("a.pager-next").click()
    assert page.locator("#page-of").inner_text() == "Page 2 of 3"
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.article)") == ["5", "6", "7", "8"]
    assert marks(page) == 0  # the index renders no article text
    rows.nth(1).locator("a").click()
    assert page.locator("#digest").get_attribute("data-article") == "6"
    page.locator("a.back").click()
    assert page.locator("#page-of").inner_text() == "Page 2 of 3"

    page.locator("#search").fill("constanta")  # diacritics folded: matches "Constanța"
    assert page.locator("#match-count").inner_text() == "3 of 9 articles"
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.article)") == ["2", "6", "9"]
    page.locator("#search").fill("")
    page.locator("#only-warnings").check()
    assert page.locator("#match-count").inner_text() == "6 of 9 articles"


def test_single_article_report_opens_the_article(page: Any, reports: dict[str, str]) -> None:
    page.goto(reports["single"])
    assert page.locator("#digest").count() == 1
    assert page.locator("nav.artnav, #index").count() == 0
    assert marks(page, "mark.ev:not(.cont)") == span_count(quantum())


def test_thousand_articles_render_one_page_at_a_time(page: Any, reports: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page.goto(reports["big"])
    rows = page.locator("tr.index-row")
    # the page draws after load and after each click: wait for the event, assert the result
    expect(page.locator("#page-of")).to_have_text("Page 1 of 20", timeout=60_000)
    assert rows.count() == 50
    assert page.evaluate("document.getElementsByTagName('*').length") < 2_000
    page.locator("a.pager-last").click()
    expect(page.locator("#page-of")).to_have_text("Page 20 of 20", timeout=60_000)
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.article)") == [
        str(n) for n in range(951, 1001)]
    rows.last.locator("a").click()
    expect(page.locator("#digest")).to_have_attribute("data-article", "1000", timeout=60_000)
    assert marks(page, "mark.ev:not(.cont)") == span_count(many(1000)[-1])


def test_csp_blocks_markup_that_slipped_into_the_page(browser: Any, tmp_path: Path) -> None:
    """Defence in depth: even raw markup pasted into the file cannot run a script."""
    injected = '<img src=x onerror="window.__pwned=9"><script>window.__pwned=10</script>'
    html = render_report([romania()]).replace("</main>", injected + "</main>")
    path = tmp_path / "tampered.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context()
    tab = context.new_page()
    blocked: list[str] = []
    tab.on("console", lambda msg: blocked.append(msg.text) if msg.type == "error" else None)
    tab.goto(path.as_uri())
    assert tab.evaluate("typeof window.__pwned") == "undefined"
    assert tab.locator("mark.ev").count() == span_count(romania())  # the page's own script ran
    assert any("Content Security Policy" in text for text in blocked), blocked
    context.close()
