"""``summarizer export``: tidy tables in SQLite, CSV and Parquet; safe output paths."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from corpus_samples import corpus, write_jsonl
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.errors import ConfigError, InputError
from summarizer.export import ExportConfig, export
from summarizer.export.output import _umask
from summarizer.export.tables import KEYS, TABLES
from summarizer.export.writers import parquet_available
from summarizer.store import ResultKey, Store, StoredResult

runner = CliRunner()


@pytest.fixture
def digests_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "d.jsonl", corpus())


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_sqlite_export_has_every_table_keyed_and_the_edges_view(
        digests_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.db"
    result = export(digests_file, out, ExportConfig(fmt="sqlite"))
    n = len(corpus())
    assert result.rows["articles"] == n
    for table in TABLES:
        count = rows(out, f'SELECT COUNT(*) FROM "{table}"')[0][0]
        assert count == result.rows[table] > 0, table
        keys = ", ".join(KEYS[table])
        distinct = rows(out, f'SELECT COUNT(*) FROM (SELECT DISTINCT {keys} FROM "{table}")')
        assert distinct[0][0] == count, f"{table} key is not unique"
    # every country party has a country:ISO3 id
    bad = rows(out, "SELECT name FROM parties WHERE kind = 'country' AND entity_id NOT GLOB "
                    "'country:[A-Z][A-Z][A-Z]'")
    assert bad == []
    usa = rows(out, "SELECT articles, surfaces FROM entities WHERE entity_id = 'country:USA'")
    assert usa[0][0] == 11 and {"United States", "U.S.", "United States of America"} <= set(
        str(usa[0][1]).split("; "))
    # the view: entity x entity x instrument x status x date
    edges = rows(out, "SELECT entity_a, entity_b, status, date FROM cooperation_edges "
                      "WHERE article_id = 'seed-quantum-mou' AND instrument_index = 0")
    pairs = {(a, b) for a, b, _, _ in edges}
    assert ("country:CHN", "country:PAK") in pairs
    assert ("country:CHN", "org:china-electronics-technology-group-corporation") in pairs
    assert all(a < b and s == "signed" for a, b, s, _ in edges)
    # evidence offsets index the article text
    quote, start, end = rows(out, "SELECT quote, start, \"end\" FROM evidence WHERE "
                                  "article_id = 'seed-quantum-mou' AND field = 'parties' "
                                  "LIMIT 1")[0]
    text = next(d.article.text for d in corpus() if d.article.id == "seed-quantum-mou")
    assert text[int(start):int(end)] == quote  # type: ignore[call-overload]


def test_the_readme_sqlite_one_liner_works(digests_file: Path, tmp_path: Path) -> None:
    if shutil.which("sqlite3") is None:
        pytest.skip("the sqlite3 command is missing (apt-get install sqlite3)")
    out = tmp_path / "out.db"
    export(digests_file, out, ExportConfig(fmt="sqlite"))
    shown = subprocess.run(["sqlite3", str(out), "select * from cooperation_edges limit 5"],
                           capture_output=True, text=True, check=True)
    lines = shown.stdout.strip().splitlines()
    assert len(lines) == 5 and all(line.count("|") >= 7 for line in lines)


def test_csv_export_is_a_folder_of_tables_with_headers(digests_file: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = export(digests_file, out, ExportConfig(fmt="csv"))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    with open(out / "parties.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert list(table[0]) == [name for name, _ in TABLES["parties"]]
    assert len(table) == result.rows["parties"]
    cetc = [r for r in table if r["entity_id"].startswith("org:china-electronics")]
    assert cetc and cetc[0]["kind"] == "company"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left
    assert out.stat().st_mode & 0o777 == 0o777 & ~_umask()


def test_parquet_export_when_pyarrow_is_installed(digests_file: Path, tmp_path: Path) -> None:
    if not parquet_available():
        with pytest.raises(ConfigError, match="pyarrow"):
            export(digests_file, tmp_path / "pq", ExportConfig(fmt="parquet"))
        pytest.skip("pyarrow is not installed: pip install 'summarizer[parquet]'")
    import pyarrow.parquet as pq

    out = tmp_path / "pq"
    result = export(digests_file, out, ExportConfig(fmt="parquet"))
    for table, columns in TABLES.items():
        data = pq.read_table(out / f"{table}.parquet")
        assert data.column_names == [name for name, _ in columns]
        assert data.num_rows == result.rows[table]
    instruments = pq.read_table(out / "instruments.parquet")
    assert str(instruments.schema.field("background").type) == "bool"


def test_existing_output_is_kept_without_force_and_only_exports_are_replaced(
        digests_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.db"
    out.write_text("precious", encoding="utf-8")
    with pytest.raises(ConfigError, match="--force"):
        export(digests_file, out, ExportConfig(fmt="sqlite"))
    assert out.read_text(encoding="utf-8") == "precious"
    export(digests_file, out, ExportConfig(fmt="sqlite", force=True))
    assert rows(out, "SELECT COUNT(*) FROM articles")[0][0] == len(corpus())

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a folder of export tables"):
        export(digests_file, folder, ExportConfig(fmt="csv", force=True))
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    with pytest.raises(ConfigError, match="not a regular file"):
        export(digests_file, folder, ExportConfig(fmt="sqlite", force=True))

    again = tmp_path / "csv"
    export(digests_file, again, ExportConfig(fmt="csv"))
    export(digests_file, again, ExportConfig(fmt="csv", force=True))
    assert len(list(again.iterdir())) == len(TABLES)


def test_bad_input_fails_whole_and_leaves_the_old_export(digests_file: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "out.db"
    export(digests_file, out, ExportConfig(fmt="sqlite"))
    before = out.read_bytes()
    broken = tmp_path / "broken.jsonl"
    broken.write_text(digests_file.read_text(encoding="utf-8") + "{not json\n",
                      encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.jsonl:15"):
        export(broken, out, ExportConfig(fmt="sqlite", force=True))
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.jsonl", "d.jsonl", "out.db"]


def test_store_input_uses_the_latest_digest_per_article_and_keeps_the_registry(
        tmp_path: Path) -> None:
    store_path = tmp_path / "s.db"
    digests = corpus()
    with Store.open(store_path) as store:
        for k, d in enumerate(digests):
            key = ResultKey(d.article.id, d.article.sha256, "rules", "2", "rules-1", "rules",
                            "p")
            store.put(StoredResult(key, "done", d.model_dump_json(),
                                   updated_at=f"2026-01-01T00:00:{k:02d}"))
        old = digests[0].model_copy(update={"summary": digests[0].summary.model_copy(
            update={"headline": "stale"})})
        key = ResultKey(old.article.id, old.article.sha256, "other", "2", "m", "llm", "p")
        store.put(StoredResult(key, "done", old.model_dump_json(), updated_at="2020-01-01"))
    out = tmp_path / "out.db"
    export(store_path, out, ExportConfig(fmt="sqlite"))
    assert rows(out, "SELECT COUNT(*) FROM articles")[0][0] == len(digests)
    assert rows(out, "SELECT COUNT(*) FROM articles WHERE headline = 'stale'") == [(0,)]
    registry = rows(store_path, "SELECT canonical_id FROM entities WHERE entity_id = "
                                "'person:biden'")
    assert registry == [("person:joseph-r-biden-jr",)]


def test_v1_digests_and_aliases(tmp_path: Path) -> None:
    lines = []
    for d in corpus():
        data = json.loads(d.model_dump_json())
        data["schema_version"] = "1"
        for party in data["parties"]:
            del party["entity_id"], party["surface"]
        lines.append(json.dumps(data))
    old = tmp_path / "v1.jsonl"
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('forbid = [["person:biden", "person:joseph-r-biden-jr"]]\n'
                       '[names]\n"country:KOR" = "South Korea"\n', encoding="utf-8")
    out = tmp_path / "out.db"
    result = runner.invoke(app, ["export", str(old), "-o", str(out), "--aliases",
                                 str(aliases)])
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr
    assert rows(out, "SELECT COUNT(*) FROM parties WHERE entity_id IS NULL") == [(0,)]
    assert rows(out, "SELECT name FROM entities WHERE entity_id = 'country:KOR'") == [
        ("South Korea",)]
    assert rows(out, "SELECT entity_id FROM entities WHERE entity_id = 'person:biden'") == [
        ("person:biden",)]


def test_cli_errors_are_one_line(digests_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(digests_file), "-o", str(tmp_path / "x"),
                                 "--format", "xlsx"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["export", str(tmp_path / "missing.jsonl"), "-o",
                                 str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "missing.jsonl" in result.stderr


def test_the_example_aliases_file_merges_what_the_guards_keep_apart(
        digests_file: Path, tmp_path: Path) -> None:
    aliases = Path(__file__).resolve().parent.parent / "examples" / "aliases.toml"
    out = tmp_path / "out.db"
    plain = tmp_path / "plain.db"
    export(digests_file, plain, ExportConfig(fmt="sqlite"))
    assert rows(plain, "SELECT COUNT(*) FROM entities WHERE entity_id = "
                       "'gov:department-of-state'") == [(1,)]
    result = runner.invoke(app, ["export", str(digests_file), "-o", str(out), "--aliases",
                                 str(aliases)])
    assert result.exit_code == 0, result.stderr
    merged = rows(out, "SELECT entity_id, articles, merged_ids FROM entities WHERE entity_id "
                       "IN ('gov:usa:usaid', 'gov:usa:department-of-state') ORDER BY 1")
    assert merged == [("gov:usa:department-of-state", 2, "gov:department-of-state"),
                      ("gov:usa:usaid", 3, "gov:usa:agency-for-international-development")]
    assert rows(out, "SELECT name FROM entities WHERE entity_id = 'country:KOR'") == [
        ("South Korea",)]
