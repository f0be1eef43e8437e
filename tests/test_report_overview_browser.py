"""The report's corpus overview in a real browser (Debian's headless Chromium, playwright).

Skips like tests/test_report_browser.py when playwright or /usr/bin/chromium is missing.
Set OVERVIEW_SCREENSHOT=/some/path.png to keep a copy of the screenshot.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_samples import corpus
from playwright.sync_api import expect
from test_report_overview import HOSTILE_NAMES, hostile_corpus

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("overview")
    devset = folder / "devset.html"
    devset.write_text(render_report(corpus(), title="Dev set", page_size=5), encoding="utf-8")
    hostile = folder / "hostile.html"
    hostile.write_text(render_report(hostile_corpus()), encoding="utf-8")
    return {"devset": devset.as_uri(), "hostile": hostile.as_uri()}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that fails the test on any script error or console error (CSP violations too)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1100},
                                  reduced_motion="reduce")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()
    assert errors == []


def shown_articles(page: Any) -> list[str]:
    ids: list[str] = page.locator("tr.index-row td.muted.mono, tr.index-row").evaluate_all(
        "rs => rs.map(r => r.dataset.article)")
    return ids


def test_clicking_a_network_node_filters_the_list_and_focuses_the_evidence(
        page: Any, reports: dict[str, str], tmp_path: Path) -> None:
    page.goto(reports["devset"])
    assert page.locator("#overview svg").count() == 3  # network, timeline, matrix
    expect(page.locator("#match-count")).to_have_text("14 articles", timeout=60_000)
    screenshot = tmp_path / "overview.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 30_000
    if os.environ.get("OVERVIEW_SCREENSHOT"):
        shutil.copyfile(screenshot, os.environ["OVERVIEW_SCREENSHOT"])

    page.locator('#ov-network g.node[data-entity="country:PAK"]').click()
    expect(page.locator("#match-count")).to_have_text("2 of 14 articles", timeout=60_000)
    expect(page.locator("#filter-label")).to_have_text("Pakistan", timeout=60_000)
    articles = page.locator("tr.index-row").evaluate_all("rs => rs.map(r => r.dataset.article)")
    ids = [d.article.id for d in corpus()]
    assert [ids[int(n) - 1] for n in articles] == ["seed-quantum-mou", "seed-romania-maritime"]
    assert "chosen" in (page.locator('g.node[data-entity="country:PAK"]')
                        .get_attribute("class") or "")

    page.locator("tr.index-row").first.locator("a").click()  # into the article
    expect(page.locator("#digest")).to_have_attribute("data-article", articles[0],
                                                     timeout=60_000)
    assert "Pakistan" in page.locator("#focus-note").inner_text()
    focused = page.locator("tr.item.focus").evaluate_all("rs => rs.map(r => r.dataset.key)")
    assert "parties:0" in focused and any(k.startswith("instruments:") for k in focused)
    active = page.locator("mark.ev.active").evaluate_all("ms => ms.map(m => m.textContent)")
    assert active and all("Pakistan" in text for text in active)

    page.locator("a.back").click()  # back to the filtered list
    expect(page.locator("#match-count")).to_have_text("2 of 14 articles", timeout=60_000)
    page.locator("#clear-filter").click()
    expect(page.locator("#match-count")).to_have_text("14 articles", timeout=60_000)


def test_edges_timeline_cells_and_top_rows_filter_too(page: Any,
                                                       reports: dict[str, str]) -> None:
    page.goto(reports["devset"])
    for selector in ("#ov-network line.edge", "#ov-timeline rect.bar", "#ov-matrix g.cell",
                     "#ov-top tr.top-row"):
        page.goto(reports["devset"] + "#p=1&f=-1")
        mark = page.locator(selector).first
        wanted = int(mark.get_attribute("data-f"))
        mark.click()
        data = page.evaluate("JSON.parse(document.getElementById('report-data').textContent)")
        expected = len(data["overview"]["filters"][wanted]["arts"])
        expect(page.locator("#match-count")).to_have_text(f"{expected} of 14 articles",
                                                          timeout=60_000)


def test_hostile_entity_names_are_text_in_the_svg(page: Any, reports: dict[str, str]) -> None:
    page.goto(reports["hostile"])
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#overview img, #overview script").count() == 0
    titles = page.locator("#ov-network g.node > title").evaluate_all(
        "ts => ts.map(t => t.textContent)")
    for name in HOSTILE_NAMES:
        assert any(t.startswith(name + " (") for t in titles), name
    assert page.locator("#ov-network svg").count() == 1  # "</svg>" closed nothing
