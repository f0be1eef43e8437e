"""The price table: lookups, local models, overrides, and exact cost arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.costs import FREE, Price, PriceTable, format_cost, load_prices
from summarizer.errors import ConfigError
from summarizer.models import Usage

USAGE = Usage(prompt_tokens=2_000_000, completion_tokens=500_000, total_tokens=2_500_000)


def test_known_model_cost_is_exact() -> None:
    table = PriceTable()
    # gpt-4o-mini: $0.15 per 1M in, $0.60 per 1M out → 2 × 0.15 + 0.5 × 0.60
    assert table.cost("gpt-4o-mini", USAGE) == pytest.approx(0.60)
    assert Price(1.0, 2.0).cost(Usage(prompt_tokens=1, completion_tokens=1)) == 3e-6


def test_a_dated_snapshot_is_priced_as_its_base_model() -> None:
    table = PriceTable()
    assert table.price("gpt-4o-mini-2024-07-18") == table.price("gpt-4o-mini")
    assert table.price("gpt-4o-2024-08-06") == table.price("gpt-4o")
    assert table.price("GPT-4o") == table.price("gpt-4o")


def test_local_models_are_free_and_unknown_openai_models_have_no_estimate() -> None:
    table = PriceTable()
    assert table.price("qwen2.5-7b-instruct", local=True) == FREE
    assert table.cost("qwen2.5-7b-instruct", USAGE, local=True) == 0.0
    assert table.price("gpt-9-ultra") is None
    assert table.cost("gpt-9-ultra", USAGE) is None


def test_overrides_from_json_and_toml(tmp_path: Path) -> None:
    as_json = tmp_path / "prices.json"
    as_json.write_text('{"gpt-4o-mini": {"input": 1, "output": 2}, '
                       '"my-local": {"input": 0.5, "output": 0.5}}', encoding="utf-8")
    table = load_prices(as_json)
    assert table.price("gpt-4o-mini") == Price(1.0, 2.0)
    assert table.price("my-local", local=True) == Price(0.5, 0.5)
    assert table.price("gpt-4o") == Price(2.5, 10.0, 1.25)  # the rest of the defaults stay
    as_toml = tmp_path / "prices.toml"
    as_toml.write_text('["gpt-4o"]\ninput = 3.0\ncached_input = 1.5\noutput = 12\n',
                       encoding="utf-8")
    assert load_prices(as_toml).price("gpt-4o") == Price(3.0, 12.0, 1.5)


def test_cached_input_is_priced_at_the_cached_rate() -> None:
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=0, total_tokens=1_000_000,
                  cached_tokens=600_000)
    assert Price(2.0, 8.0, 0.5).cost(usage) == pytest.approx(0.4 * 2.0 + 0.6 * 0.5)
    assert Price(2.0, 8.0).cost(usage) == pytest.approx(2.0)  # no cached rate: full price
    assert PriceTable().cost("gpt-4o-mini", usage) == pytest.approx(0.4 * 0.15 + 0.6 * 0.075)


@pytest.mark.parametrize(("content", "words"), [
    ('{"gpt-4o": {"input": "cheap"}}', "numeric 'input' and 'output'"),
    ("[1, 2]", "maps model names"),
    ("{not json", "cannot read the price file"),
])
def test_a_bad_price_file_names_itself(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.json") as info:
        load_prices(path)
    assert words in str(info.value)


def test_format_cost() -> None:
    assert format_cost(None) == "n/a"
    assert format_cost(0.0123456) == "$0.0123"
    assert format_cost(1234.5) == "$1,234.50"


def test_the_batch_rate_defaults_to_half_and_a_price_file_can_set_it(tmp_path: Path) -> None:
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=1_000_000, total_tokens=2_000_000)
    table = load_prices()
    assert table.cost("gpt-4o-mini", usage) == pytest.approx(0.75)
    assert table.cost("gpt-4o-mini", usage, batch=True) == pytest.approx(0.375)
    assert table.cost("llama", usage, local=True, batch=True) == 0.0
    assert table.cost("unknown-openai-model", usage, batch=True) is None
    path = tmp_path / "prices.toml"
    path.write_text('[m]\ninput = 1.0\noutput = 2.0\nbatch_input = 0.2\n')
    custom = load_prices(path)
    assert custom.cost("m", usage, batch=True) == pytest.approx(0.2 + 1.0)
