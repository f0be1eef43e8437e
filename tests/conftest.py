"""Test set-up: offline by construction, no real key, cassettes under top-level cassettes/.

Network: pytest runs with ``--block-network --allowed-hosts=127.0.0.1,localhost,::1``
(pyproject), so only servers the tests start themselves can be reached.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from summarizer.cassettes import StaleWatch, is_stale_cassette, vcr_options
from summarizer.config import LLMConfig
from summarizer.llm.events import observe_calls

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RERECORD = (
    "python -m pytest {nodeid} --record-mode=rewrite "
    "(with a model server running; see README 'Re-recording cassettes')"
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A dummy key and a private home; no real endpoint leaks in from the developer's shell."""
    monkeypatch.setenv("OPENAI_API_KEY", "test-dummy-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SUMMARIZER_TIMEOUT", "600")
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                  "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return vcr_options()


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = Path(str(request.node.fspath)).stem
    return str(CASSETTES / module)


@pytest.fixture(scope="session")
def llm_endpoint() -> dict[str, str]:
    """The server and model the cassettes were recorded against (cassettes/endpoint.json).

    To record anew, set SUMMARIZER_RECORD_BASE_URL, SUMMARIZER_RECORD_MODEL (and
    SUMMARIZER_RECORD_API_KEY, SUMMARIZER_RECORD_MODE, SUMMARIZER_RECORD_SERVER as needed)
    and run the cassette tests with --record-mode=rewrite; endpoint.json is rewritten.
    """
    path = CASSETTES / "endpoint.json"
    base_url = os.environ.get("SUMMARIZER_RECORD_BASE_URL")
    if not base_url:
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return data
    endpoint = {
        "base_url": base_url,
        "model": os.environ["SUMMARIZER_RECORD_MODEL"],
        "mode": os.environ.get("SUMMARIZER_RECORD_MODE", "auto"),
        "server": os.environ.get("SUMMARIZER_RECORD_SERVER", "unknown"),
        "recorded": datetime.now(UTC).date().isoformat(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(endpoint, indent=2) + "\n", encoding="utf-8")
    return endpoint


@pytest.fixture
def llm_config(llm_endpoint: dict[str, str]) -> LLMConfig:
    """An LLMConfig for the recorded endpoint; the key is the recorder's, or a dummy on replay."""
    return LLMConfig(
        base_url=llm_endpoint["base_url"],
        model=llm_endpoint["model"],
        mode=llm_endpoint["mode"],
        api_key=os.environ.get("SUMMARIZER_RECORD_API_KEY", "test-dummy-key"),
        timeout=600.0,  # a small CPU-only server can be slow while recording
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """In a cassette test, a request the cassette cannot answer fails the test with a message
    that says what to do, even where the pipeline went on (e.g. a failed grounding re-ask)."""
    if item.get_closest_marker("vcr") is None:
        return (yield)
    watch = StaleWatch()
    stale = "cassette stale — re-record with: " + RERECORD.format(nodeid=item.nodeid)
    try:
        with observe_calls(watch):
            result = yield
    except BaseException as exc:
        if is_stale_cassette(exc) or watch.stale:
            pytest.fail(stale, pytrace=False)
        raise
    if watch.stale:
        pytest.fail(stale, pytrace=False)
    return result
