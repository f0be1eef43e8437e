"""Estimated cost: a small price table per model, in USD per million tokens.

Prices are list prices for common OpenAI models (standard tier) and go stale; override
or extend them with a JSON or TOML file (``--prices FILE``)::

    {"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.60}}   # JSON
    [gpt-4o-mini]                                                             # TOML
    input = 0.15
    cached_input = 0.075
    output = 0.60
    batch_input = 0.075                                      # optional: the Batch API rate

Input tokens the provider served from its prompt cache (``usage.cached_tokens``) are
priced at ``cached_input`` (the full input rate when a model has none).

A dated snapshot (``gpt-4o-mini-2024-07-18``) is priced as its base name. A model on any
host other than api.openai.com that the table does not name is local: it costs 0.
An OpenAI model the table does not know has no estimate (``None``), never a guess.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import Usage

PER = 1_000_000


BATCH_DISCOUNT = 0.5
"""OpenAI's Batch API bills half the standard rate (work finished within 24 h)."""


@dataclass(frozen=True)
class Price:
    """USD per million input (prompt) and output (completion) tokens; the provider Batch
    API rates default to ``BATCH_DISCOUNT`` of them."""

    input: float
    output: float
    cached_input: float | None = None
    """USD per million prompt tokens served from the provider's prompt cache."""
    batch_input: float | None = None
    batch_output: float | None = None

    def cost(self, usage: Usage) -> float:
        cached = min(usage.cached_tokens, usage.prompt_tokens)
        cached_rate = self.input if self.cached_input is None else self.cached_input
        uncached = usage.prompt_tokens - cached
        return (uncached * self.input + cached * cached_rate
                + usage.completion_tokens * self.output) / PER

    @property
    def batch(self) -> Price:
        """The price of the same tokens through the provider Batch API."""
        batch_input = self.input * BATCH_DISCOUNT if self.batch_input is None else self.batch_input
        batch_output = (self.output * BATCH_DISCOUNT if self.batch_output is None
                        else self.batch_output)
        return Price(batch_input, batch_output, cached_input=batch_input,
                     batch_input=batch_input, batch_output=batch_output)


FREE = Price(0.0, 0.0)

DEFAULT_PRICES: Mapping[str, Price] = {
    "gpt-5": Price(1.25, 10.0, 0.125),
    "gpt-5-mini": Price(0.25, 2.0, 0.025),
    "gpt-5-nano": Price(0.05, 0.40, 0.005),
    "gpt-4.1": Price(2.0, 8.0, 0.50),
    "gpt-4.1-mini": Price(0.40, 1.60, 0.10),
    "gpt-4.1-nano": Price(0.10, 0.40, 0.025),
    "gpt-4o": Price(2.50, 10.0, 1.25),
    "gpt-4o-mini": Price(0.15, 0.60, 0.075),
    "o3": Price(2.0, 8.0, 0.50),
    "o3-mini": Price(1.10, 4.40, 0.55),
    "o4-mini": Price(1.10, 4.40, 0.275),
    "gpt-4-turbo": Price(10.0, 30.0),
    "gpt-3.5-turbo": Price(0.50, 1.50),
}


@dataclass(frozen=True)
class PriceTable:
    """Looks up a model's price; see the module docstring for the rules."""

    prices: Mapping[str, Price] = field(default_factory=lambda: dict(DEFAULT_PRICES))

    def price(self, model: str, *, local: bool = False) -> Price | None:
        """The price of ``model``; ``local`` means the endpoint is not api.openai.com."""
        name = model.lower()
        if name in self.prices:
            return self.prices[name]
        base = _longest_prefix(name, self.prices)
        if base is not None:
            return self.prices[base]
        return FREE if local else None

    def cost(
        self, model: str, usage: Usage, *, local: bool = False, batch: bool = False
    ) -> float | None:
        """What ``usage`` costs live, or at the provider Batch API rate (``batch``)."""
        price = self.price(model, local=local)
        if price is None:
            return None
        return (price.batch if batch else price).cost(usage)

    def with_overrides(self, overrides: Mapping[str, Price]) -> PriceTable:
        merged = dict(self.prices)
        merged.update({name.lower(): price for name, price in overrides.items()})
        return PriceTable(merged)


def _longest_prefix(name: str, prices: Mapping[str, Price]) -> str | None:
    """``gpt-4o-mini-2024-07-18`` → ``gpt-4o-mini`` (the longest known ``base-`` prefix)."""
    bases = [base for base in prices if name.startswith(base + "-")]
    return max(bases, key=len) if bases else None


def load_prices(path: Path | None = None) -> PriceTable:
    """The default table, overridden by ``path`` (JSON, or TOML when it ends in .toml)."""
    table = PriceTable()
    if path is None:
        return table
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the price file: {exc}", source=str(path)) from None
    return table.with_overrides(_parse(data, str(path)))


def _parse(data: Any, source: str) -> dict[str, Price]:
    if not isinstance(data, dict):
        raise ConfigError("a price file maps model names to {input, output} USD per million "
                          "tokens", source=source)
    prices: dict[str, Price] = {}
    for model, entry in data.items():
        try:
            prices[str(model)] = Price(float(entry["input"]), float(entry["output"]),
                                       _optional(entry, "cached_input"),
                                       _optional(entry, "batch_input"),
                                       _optional(entry, "batch_output"))
        except (TypeError, KeyError, ValueError, AttributeError):
            raise ConfigError(f"{model!r} needs numeric 'input' and 'output' (USD per "
                              "million tokens; 'cached_input', 'batch_input' and "
                              "'batch_output' are optional)", source=source) from None
    return prices


def _optional(entry: Any, name: str) -> float | None:
    value = entry.get(name)
    return None if value is None else float(value)


def format_cost(cost: float | None) -> str:
    """``$0.0123``, or ``n/a`` when some model had no price."""
    if cost is None:
        return "n/a"
    return f"${cost:.4f}" if cost < 100 else f"${cost:,.2f}"
