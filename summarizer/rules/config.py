"""The knobs of the rules backend, in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class RulesConfig:
    """Thresholds and limits of the offline extractor. The defaults suit news releases."""

    max_bullets: int = 5
    min_bullets: int = 3
    one_line_max_words: int = 40
    lead_window: int = 6
    """How many leading sentences may supply the one-line summary."""
    max_evidence: int = 3
    """Evidence spans kept per item (the first mentions)."""
    max_quote_chars: int = 400
    """A longer sentence is cut to a window around the matched words."""
    sector_min_score: float = 3.0
    """A strong keyword scores 2, a weak one 1; a sector needs this much."""
    max_sectors: int = 8
    max_targets: int = 8
    max_instruments: int = 15
    country_min_mentions: int = 2
    """A country named outside any cooperation context needs this many mentions."""

    def __post_init__(self) -> None:
        if not 1 <= self.min_bullets <= self.max_bullets <= 6:
            raise ConfigError("rules bullets need 1 <= min_bullets <= max_bullets <= 6")
        if not 5 <= self.one_line_max_words <= 80:
            raise ConfigError("rules one_line_max_words must be between 5 and 80")
        for name in ("lead_window", "max_evidence", "max_sectors", "max_targets",
                     "max_instruments", "country_min_mentions"):
            if getattr(self, name) < 1:
                raise ConfigError(f"rules {name} must be at least 1")
        if self.max_quote_chars < 40:
            raise ConfigError("rules max_quote_chars must be at least 40")
