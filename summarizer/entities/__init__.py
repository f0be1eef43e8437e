"""Entity resolution: one stable id per actor, across names, articles and the corpus.

* ``resolve_parties(parties, article_text)``: within one article (run by the pipeline
  when a digest is assembled, and on load for v1 digests via ``with_entities``);
* ``EntityIndex`` / ``Resolution``: across a corpus, guarded fuzzy merges
  (``summarizer.entities.registry``), kept in the store's entity registry;
* ``Aliases``: user overrides from a TOML file, applied without re-running any model.
"""

from __future__ import annotations

from .countries import country_code
from .ids import Identity, identify
from .resolve import acronyms, resolve_parties, with_entities

__all__ = ["Identity", "acronyms", "country_code", "identify", "resolve_parties",
           "with_entities"]
