"""The digest: the output contract every backend produces.

Two families of models live here:

* the **digest** models (``Digest`` and its parts): what summarizer returns and writes.
  Their field names are a public contract, snapshotted in ``schemas/digest.v<N>.json``.
* the **draft** models (``DigestDraft`` and its parts): what a language model is asked
  to return. Drafts carry evidence as bare quotes; grounding turns them into digest items
  with verified character offsets (see ``summarizer.grounding``).

Every item, digest or draft, has a ``key()``: two items with the same key are the same
party, instrument, sector or target, however spelled (see ``summarizer.text``). Merging
chunks and grounding rounds dedupes by it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Hashable
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .text import instrument_key, name_key, text_key

SCHEMA_VERSION = "2"

PartyKind = Literal["country", "government_body", "organisation", "company", "person", "other"]
InstrumentKind = Literal[
    "mou",
    "agreement",
    "treaty",
    "contract",
    "loan",
    "grant",
    "initiative",
    "corridor",
    "framework",
    "joint_statement",
    "partnership",
    "other",
]
InstrumentStatus = Literal["signed", "proposed", "under_discussion", "implemented", "other"]
SectorLabel = Literal[
    "energy",
    "maritime and ports",
    "transport and logistics",
    "quantum and advanced computing",
    "ai and digital",
    "telecommunications",
    "semiconductors",
    "defence and security",
    "agriculture and food",
    "health",
    "finance and investment",
    "trade",
    "manufacturing and industry",
    "critical minerals and mining",
    "infrastructure",
    "education and skills",
    "science and research",
    "space",
    "climate and environment",
    "water",
    "tourism and culture",
    "humanitarian and development",
    "labour and migration",
    "other",
]
MatchKind = Literal["exact", "normalized", "fuzzy"]

PARTY_KINDS: tuple[str, ...] = PartyKind.__args__  # type: ignore[attr-defined]
INSTRUMENT_KINDS: tuple[str, ...] = InstrumentKind.__args__  # type: ignore[attr-defined]
INSTRUMENT_STATUSES: tuple[str, ...] = InstrumentStatus.__args__  # type: ignore[attr-defined]
SECTOR_LABELS: tuple[str, ...] = SectorLabel.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- digest


class Evidence(_Model):
    """A verbatim span of ``article.text`` that backs an item."""

    quote: str = Field(description="The span as it stands in article.text.")
    start: int = Field(ge=0, description="Offset of the first character in article.text.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    match: MatchKind = Field(description="How the quote was found: exact, normalized or fuzzy.")
    score: float = Field(default=100.0, ge=0, le=100, description="Match score, 100 for exact.")


class Summary(_Model):
    headline: str
    one_line: str = Field(description="One sentence, at most 40 words.")
    bullets: list[str] = Field(max_length=6, description="3 to 6 short factual bullets.")
    evidence: list[Evidence] = Field(
        default_factory=list, description="Spans of the article the summary is drawn from."
    )


class Party(_Model):
    name: str
    kind: PartyKind
    role: str | None = None
    country: str | None = None
    evidence: list[Evidence]
    entity_id: str | None = Field(
        default=None,
        description="Stable id of the actor: country:ISO3, gov:iso3:slug, org:slug, "
        "person:slug, place:slug or other:slug (see docs/schema-migrations.md).",
    )
    surface: str | None = Field(
        default=None, description="The name as the article writes it (e.g. 'U.S.', 'CETC')."
    )

    def key(self) -> str:
        """The party's identity: its name's key ("U.S." = "United States")."""
        return name_key(self.name)



class Instrument(_Model):
    kind: InstrumentKind
    title: str | None = None
    status: InstrumentStatus
    parties: list[str] = Field(default_factory=list)
    date: str | None = None
    background: bool = Field(default=False, description="Mentioned only as context.")
    evidence: list[Evidence]

    def key(self) -> Hashable:
        """The instrument's identity: kind and title, or kind and parties when untitled."""
        return instrument_key(self.kind, self.title, self.parties)



class Sector(_Model):
    label: SectorLabel
    evidence: list[Evidence]

    def key(self) -> str:
        return self.label



class Target(_Model):
    description: str
    value: str | None = None
    unit: str | None = None
    deadline: str | None = None
    evidence: list[Evidence]

    def key(self) -> str:
        """The target's identity: its description's words."""
        return text_key(self.description)



class ArticleInfo(_Model):
    id: str
    sha256: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = Field(
        default=None, description="ISO date when the text states an absolute date, else null."
    )
    text: str = Field(description="The cleaned article text every evidence offset indexes into.")


class PromptRef(_Model):
    id: str
    version: str
    sha256: str


class Usage(_Model):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int = Field(
        default=0, description="Of prompt_tokens, those served from the provider's prompt cache."
    )

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
        )


class Provenance(_Model):
    backend: str
    provider: str | None = Field(default=None, description="Host of the endpoint, never a key.")
    model: str | None = None
    mode: str | None = None
    prompt: PromptRef | None = None
    schema_version: str = SCHEMA_VERSION
    temperature: float | None = None
    created_at: str
    usage: Usage = Field(default_factory=Usage)
    attempts: int = Field(
        default=0, description="HTTP requests made to the model, retries included."
    )
    reasks: int = Field(default=0, description="Grounding re-asks made (each one more call).")
    reask_tokens: int = Field(default=0, description="Of usage.total_tokens, the re-asks'.")
    duration_ms: float | None = None
    via: str | None = Field(
        default=None, description="How the model was called when not live, e.g. 'batch_api'.")
    batch_id: str | None = Field(
        default=None, description="The provider batch that answered (via 'batch_api').")


class DigestWarning(_Model):
    code: str = Field(description="Machine-readable reason, e.g. 'ungrounded_evidence'.")
    message: str = Field(description="What was dropped or doubted, in plain words.")
    field: str | None = Field(default=None, description="parties, instruments, sectors, ...")
    item: str | None = Field(default=None, description="The dropped item's name or description.")


class Digest(_Model):
    schema_version: str = SCHEMA_VERSION
    article: ArticleInfo
    summary: Summary
    parties: list[Party] = Field(default_factory=list)
    instruments: list[Instrument] = Field(default_factory=list)
    sectors: list[Sector] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    provenance: Provenance
    warnings: list[DigestWarning] = Field(default_factory=list)


# --------------------------------------------------------------------------- drafts

_QUOTES = Field(
    min_length=1,
    max_length=3,
    description="1-3 short quotes copied character for character from the article.",
)


class DraftSummary(BaseModel):
    headline: str = Field(max_length=200)
    one_line: str = Field(max_length=400, description="One sentence, at most 40 words.")
    bullets: list[str] = Field(min_length=3, max_length=6, description="3-6 short factual bullets.")


class DraftParty(BaseModel):
    name: str = Field(max_length=120, description="As the article names it, without titles.")
    kind: PartyKind
    role: str | None = Field(default=None, max_length=120)
    country: str | None = Field(default=None, max_length=80)
    evidence: list[str] = _QUOTES

    def key(self) -> str:
        """The party's identity: its name's key ("U.S." = "United States")."""
        return name_key(self.name)



class DraftInstrument(BaseModel):
    kind: InstrumentKind
    title: str | None = Field(default=None, max_length=200)
    status: InstrumentStatus
    parties: list[str] = Field(default_factory=list, max_length=8)
    date: str | None = Field(default=None, max_length=40)
    evidence: list[str] = _QUOTES

    def key(self) -> Hashable:
        """The instrument's identity: kind and title, or kind and parties when untitled."""
        return instrument_key(self.kind, self.title, self.parties)



class DraftSector(BaseModel):
    label: SectorLabel
    evidence: list[str] = _QUOTES

    def key(self) -> str:
        return self.label



class DraftTarget(BaseModel):
    description: str = Field(
        max_length=300, description="A forward-looking goal, never a past figure."
    )
    value: str | None = Field(default=None, max_length=80)
    unit: str | None = Field(default=None, max_length=80)
    deadline: str | None = Field(default=None, max_length=40)
    evidence: list[str] = _QUOTES

    def key(self) -> str:
        """The target's identity: its description's words."""
        return text_key(self.description)



_SCHEMA_CACHE: dict[Any, dict[str, Any]] = {}


class DigestDraft(BaseModel):
    """What the model is asked to return for one article."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The schema, built once per set of arguments (it is sent with every call)."""
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _SCHEMA_CACHE:
            _SCHEMA_CACHE[key] = super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(_SCHEMA_CACHE[key])

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        context: Any | None = None,
        **kwargs: Any,
    ) -> Self:
        """Also accept raw control characters (e.g. newlines) inside JSON strings.

        Small local models often emit them; they are invalid JSON but unambiguous, so we
        parse leniently instead of spending a re-ask. Anything else still fails as before.
        """
        try:
            return super().model_validate_json(json_data, strict=strict, context=context, **kwargs)
        except ValidationError as error:
            try:
                data = json.loads(json_data, strict=False)
            except ValueError:
                raise error from None
            return cls.model_validate(data, strict=strict, context=context)

    summary: DraftSummary
    parties: list[DraftParty] = Field(default_factory=list, max_length=12)
    instruments: list[DraftInstrument] = Field(default_factory=list, max_length=8)
    sectors: list[DraftSector] = Field(default_factory=list, max_length=8)
    targets: list[DraftTarget] = Field(default_factory=list, max_length=8)
