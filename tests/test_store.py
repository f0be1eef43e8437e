"""The SQLite store: migrations, results, the call ledger, and surviving ``kill -9``."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer.errors import ConfigError
from summarizer.models import Usage
from summarizer.store import (
    MIGRATIONS,
    CallRow,
    ResultKey,
    Store,
    StoredResult,
    default_store_path,
    migrate,
)


def _key(article: str = "a1", model: str = "m") -> ResultKey:
    return ResultKey(article, "c0ffee", "digest@v1#abc", "1", model, "llm", "p0")


def _call(article: str = "a1", attempt: int = 1, outcome: str = "ok") -> CallRow:
    return CallRow(at="2026-01-01T00:00:00.000+00:00", article=article, model="m",
                   prompt="digest@v1", attempt=attempt, outcome=outcome,  # type: ignore[arg-type]
                   latency_ms=12.5, prompt_tokens=10, completion_tokens=5)


def test_default_location_follows_summarizer_home(tmp_path: Path) -> None:
    # conftest points SUMMARIZER_HOME at tmp_path / "home"
    assert default_store_path() == tmp_path / "home" / "summarizer.db"
    with Store.open() as store:
        assert store.path == tmp_path / "home" / "summarizer.db"
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        names = [r[0] for r in store.db.execute(
            "SELECT name FROM schema_migrations ORDER BY version")]
    assert names == [step.__name__.lstrip("_") for step in MIGRATIONS]


def test_default_location_without_home_is_the_user_data_dir(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import platformdirs

    monkeypatch.delenv("SUMMARIZER_HOME")
    expected = Path(platformdirs.user_data_dir("summarizer", appauthor=False)) / "summarizer.db"
    assert default_store_path() == expected


def test_put_then_get_round_trips_and_upsert_keeps_created_at(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        assert store.get(_key()) is None
        failed = StoredResult(_key(), "failed", error_kind="rate_limited",
                              error_message="a1: still rate limited", attempts=5,
                              created_at="2026-01-01T00:00:00.000+00:00")
        store.put(failed, [_call(outcome="retried"), _call(attempt=2, outcome="failed")])
        done = StoredResult(_key(), "done", digest_json='{"x": 1}',
                            usage=Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15),
                            attempts=1, cost_usd=0.25)
        store.put(done, [_call()])
        got = store.get(_key())
        assert got is not None
        assert (got.status, got.digest_json, got.error_kind, got.attempts, got.cost_usd) == (
            "done", '{"x": 1}', None, 1, 0.25)
        assert got.usage == Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15)
        assert got.created_at == "2026-01-01T00:00:00.000+00:00"
        assert store.get(_key(model="other")) is None
        assert store.count_results() == 1
        assert [c.outcome for c in store.calls()] == ["ok", "failed", "retried"]


def test_a_result_and_its_calls_are_written_all_or_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        broken = StoredResult(_key(), "done", digest_json=None)  # violates the CHECK
        with pytest.raises(sqlite3.IntegrityError):
            store.put(broken, [_call()])
        assert store.count_results() == 0
        assert store.count_calls() == 0


def test_calls_are_newest_first_limited_and_filtered(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.add_calls([_call("a1", 1), _call("a2", 1), _call("a1", 2)])
        assert [(c.article, c.attempt) for c in store.calls(2)] == [("a1", 2), ("a2", 1)]
        assert [c.attempt for c in store.calls(article="a1")] == [2, 1]


def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = sqlite3.connect(path, isolation_level=None)
    assert migrate(db, MIGRATIONS[:1]) == 1
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'runs'").fetchone() is None
    db.close()
    with Store.open(path) as store:  # upgrades to the latest
        versions = [r[0] for r in store.db.execute("SELECT version FROM schema_migrations")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        assert migrate(store.db) == len(MIGRATIONS)  # idempotent
        store.start_run("r1", {"k": 1})
        store.finish_run("r1", {"done": 3})
        run = store.run("r1")
        assert run is not None and run["summary"] == {"done": 3} and run["config"] == {"k": 1}


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    Store.open(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(ConfigError, match=r"s\.db: written by a newer summarizer"):
        Store.open(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("hello, not sqlite " * 100, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"notes\.db: not a usable summarizer store"):
        Store.open(path)


WRITER = """
import sys
from summarizer.store import CallRow, ResultKey, Store, StoredResult
store = Store.open(__import__("pathlib").Path(sys.argv[1]))
i = 0
while True:
    key = ResultKey(f"a{i}", "c", "p", "1", "m", "llm", "h")
    calls = [CallRow("t", f"a{i}", "m", "p", n, "ok", 1.0) for n in (1, 2, 3)]
    store.put(StoredResult(key, "done", digest_json="x" * 20000), calls)
    i += 1
    if i == 20:
        print("ready", flush=True)
"""


def test_kill_9_mid_write_leaves_whole_results_only(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"ready"
    time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        results = store.count_results()
        assert results >= 20
        assert store.count_calls() == 3 * results  # every result came with all its calls
        rows = store.db.execute("SELECT length(digest) FROM results").fetchall()
        assert {r[0] for r in rows} == {20000}
