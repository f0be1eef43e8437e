"""Instruments: agreements, MoUs, corridors, initiatives ... merged over their mentions.

Mentions (see ``instrument_mentions``) join one instrument when they share a name or an
acronym; "the agreement" or "the initiative" refers back to the latest instrument it can.
An unnamed weak keyword ("partnership", "framework") counts only when something creates or
discusses it ("launch a new partnership", "a partnership between Pakistan and Romania").
An instrument that only one party pursues, with no word of cooperation around it (a
domestic programme), is dropped. The status is the first mention's; background is set
when most mentions are context ("part of the China-Pakistan Economic Corridor").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..models import Instrument, InstrumentKind, InstrumentStatus
from ..text import text_key
from .config import RulesConfig
from .cues import COOPERATION, NO_DEAL, PAST_CONTEXT
from .instrument_mentions import (
    InstrumentHit,
    acronym_mentions,
    keyword_mentions,
    mention_status,
    number_before,
)
from .lexicon import words
from .parties import Found
from .sentences import Document, Sentence
from .spans import evidence_for
from .tokens import tokenize

_ANAPHOR_REACH = 3
_LIST_INTRO = re.compile(
    r"\bfollowing\s+(?:\w+\s+){0,3}?(initiatives|programs|programmes|projects|agreements"
    r"|partnerships|grants|commitments|deals)\s*:\s*$", re.IGNORECASE)
_LIST_KINDS: tuple[tuple[str, InstrumentKind], ...] = (
    ("initiative", "initiative"), ("program", "initiative"), ("project", "initiative"),
    ("commitment", "initiative"), ("agreement", "agreement"), ("deal", "agreement"),
    ("partnership", "partnership"), ("grant", "grant"))
_MARKUP = re.compile(r"<[^>]*>|\*\*|__")
_HEADLINE_WORDS = frozenset(words("""President Minister Secretary Launches Announces Signs Sign Eyes
Seeks Unveils Welcomes Hosts Meets Holds Agree Agrees Discuss Discusses Vice Prime Seek Reach
Reaches Close Closes End Ends Tackle Tackles Open Opens Leave Leaves Announce Strike Strikes Ink
Inks Seal Seals Salvage Finish Boost Boosts Back Backs Push Pushes Approve Approves Ratify
Ratifies Launch Want Wants Urge Urges Plan Plans Set Sets Win Wins Mark Marks Host Visit Visits
Meet Secures Secure Advancing Advance Advances Strengthening Strengthen Strengthens Supporting
Support Supports Building Build Builds Deepen Deepens Expand Expands"""))
"""Words that make a title-case headline a sentence, not an instrument's name."""
_MAX_PARTIES = 8


@dataclass
class _Draft:
    hits: list[InstrumentHit] = field(default_factory=list)
    past: bool = False
    """Every mention sits in a sentence about the past ("an earlier agreement")."""
    no_deal: bool = False
    """Every mention sits in a sentence reporting that no deal was reached."""

    @property
    def kind(self) -> InstrumentKind:
        named = [h for h in self.hits if h.title]
        return (named[0] if named else self.hits[0]).kind

    @property
    def title(self) -> str | None:
        return next((h.title for h in self.hits if h.title), None)

    @property
    def acronym(self) -> str | None:
        return next((h.acronym or h.acronym_ref for h in self.hits
                     if h.acronym or h.acronym_ref), None)

    @property
    def status(self) -> InstrumentStatus | None:
        if self.no_deal:
            return "under_discussion"
        return next((h.status for h in self.hits if h.status), None)

    @property
    def background(self) -> bool:
        return self.past or 2 * sum(h.background for h in self.hits) >= len(self.hits)

    @property
    def last_sentence(self) -> int:
        return self.hits[-1].sentence


def _title_key(title: str) -> str:
    return text_key(title)


def _qualifies(hit: InstrumentHit, tokens_first_has_number: bool) -> bool:
    """Whether a mention may found a new instrument."""
    if hit.title or hit.acronym or hit.acronym_ref:
        return True
    if hit.determiner == "generic" or (hit.plural and not tokens_first_has_number):
        return False
    if hit.determiner == "self":
        return hit.is_document
    return hit.strong or hit.creating


def _same_name(draft: _Draft, hit: InstrumentHit) -> bool:
    """Same acronym, same name, or one name ending the other ("Semiconductor Conference"
    and "North America Semiconductor Conference"), or "AUKUS partnership" for AUKUS."""
    acronym = draft.acronym
    if acronym and acronym in (hit.acronym, hit.acronym_ref):
        return True
    if not (hit.title and draft.title):
        return False
    a, b = _title_key(draft.title), _title_key(hit.title)
    if a == b:
        return True
    if draft.kind != hit.kind:
        return False
    shorter, longer = sorted((a, b), key=len)
    if len(shorter.split()) >= 2 and longer.endswith(" " + shorter):
        return True
    return bool(acronym and acronym in hit.title.split())


def _referent(drafts: Sequence[_Draft], hit: InstrumentHit) -> _Draft | None:
    """The instrument an unnamed mention refers to, if any."""
    same = [d for d in drafts if d.kind == hit.kind]
    if hit.determiner == "self" and hit.is_document:
        selfs = [d for d in drafts if any(h.determiner == "self" for h in d.hits)]
        return next(iter(selfs or same), None)
    if hit.plural or hit.determiner == "generic" or (
            not hit.strong and hit.determiner == "indefinite"):
        return None
    if same and hit.determiner != "definite" and hit.determiner != "self":
        latest = same[-1]
        close = hit.sentence - latest.last_sentence <= 1
        return latest if close or not latest.title else None
    if hit.determiner == "definite":
        if same:
            return same[-1]
        if hit.is_document:
            docs = [d for d in drafts if d.hits[0].is_document]
            return docs[-1] if docs else None
        near = [d for d in drafts if hit.sentence - d.last_sentence <= _ANAPHOR_REACH
                and not d.background]
        return near[-1] if near else None
    return None


def _outside(hits: Sequence[InstrumentHit], blocked: Sequence[tuple[int, int]]
             ) -> list[InstrumentHit]:
    """Drop keyword hits inside a person's title or an organisation's name."""
    return [h for h in hits if not any(s <= h.start and h.end <= e for s, e in blocked)]


_NAMED_AS = re.compile(r"\b(?:called|known as|dubbed|named|titled|entitled)\s+(?:the\s+)?"
                       r"[\"“‘']?$", re.IGNORECASE)


def _apposed(doc: Document, drafts: Sequence[_Draft], hit: InstrumentHit) -> _Draft | None:
    """"The agreement, called the Economy Partnership Agreement": the name given to the
    instrument just mentioned, not a second one."""
    sentence = doc.sentences[hit.sentence] if hit.sentence >= 0 else None
    if sentence is None or not hit.title:
        return None
    if not _NAMED_AS.search(doc.text[max(sentence.start, hit.start - 40):hit.start]):
        return None
    return next((d for d in reversed(drafts) if d.last_sentence == hit.sentence), None)


def _describes_document(hits: Sequence[InstrumentHit], hit: InstrumentHit) -> bool:
    """"This MOU provides a framework to guide ...": an unnamed weak keyword in a sentence
    about a document instrument describes that document."""
    return not hit.strong and any(
        h.sentence == hit.sentence and h.end <= hit.start and h.strong and h.is_document
        and h.kind != "joint_statement" for h in hits)


def _merge(doc: Document, hits: Sequence[InstrumentHit]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for hit in sorted(hits, key=lambda h: h.start):
        named = hit.title or hit.acronym or hit.acronym_ref
        target = next((d for d in drafts if _same_name(d, hit)), None) if named else None
        if target is None and hit.title:
            target = _apposed(doc, drafts, hit)
        if target is None and not hit.title:
            target = _referent(drafts, hit)
        if target is not None:
            target.hits.append(hit)
        elif not named and _describes_document(hits, hit):
            continue
        elif _qualifies(hit, _counted(doc, hit)):
            drafts.append(_Draft([hit]))
    return drafts


def _counted(doc: Document, hit: InstrumentHit) -> bool:
    tokens = doc.sentences[hit.sentence].tokens
    first = next((i for i, t in enumerate(tokens) if t.start >= hit.start), 0)
    return number_before(tokens, first)


def _title_hit(doc: Document) -> InstrumentHit | None:
    """The instrument the article's title names ("Joint Statement on ..."), if any."""
    if not doc.title:
        return None
    title = " ".join(doc.title.split())
    sentence = Sentence(index=-1, start=0, end=len(title), kind="heading", block=-1,
                        text=title, tokens=tuple(tokenize(title)))
    hits = keyword_mentions(title, sentence)
    if not hits:
        return None
    top = max(hits, key=lambda h: h.end - h.start)
    words = set(title[top.start:top.end].split())
    return replace(top, title=None) if words & _HEADLINE_WORDS else top


def _apply_title(doc: Document, hits: list[InstrumentHit]) -> list[InstrumentHit]:
    """Name the text's self-reference ("this Memorandum") after the title; a release titled
    "Joint Statement ..." is itself a signed joint statement, shown by its first sentence."""
    top = _title_hit(doc)
    if top is None or any(h.acronym and h.acronym == top.acronym for h in hits):
        return hits
    if top.kind == "joint_statement":
        if doc.content and not any(h.kind == "joint_statement" for h in hits):
            first = doc.content[0]
            hits.append(InstrumentHit(kind="joint_statement", strong=True, start=first.start,
                                      end=first.end, sentence=first.index, title=top.title,
                                      determiner="self", status="signed"))
        return hits
    candidates = [i for i, h in enumerate(hits) if h.determiner == "self" and h.is_document]
    candidates += [i for i, h in enumerate(hits) if h.kind == top.kind and not h.title]
    if candidates and top.title:
        i = candidates[0]
        hits[i] = replace(hits[i], title=top.title, acronym=hits[i].acronym or top.acronym)
    return hits


def _list_kind(sentence: Sentence) -> InstrumentKind | None:
    """"... launching the following new initiatives:" announces a list of instruments."""
    m = _LIST_INTRO.search(sentence.text)
    if m is None:
        return None
    word = m.group(1).lower()
    return next((kind for prefix, kind in _LIST_KINDS if word.startswith(prefix)), None)


def _label_hit(doc: Document, label: Sentence, kind: InstrumentKind) -> InstrumentHit | None:
    """A list item's lead-in label ("Maritime Law Enforcement Assistance:") names an item."""
    body = doc.sentences[label.index + 1] if label.index + 1 < len(doc.sentences) else None
    if body is None or body.block != label.block or keyword_mentions(doc.text, label):
        return None
    title = " ".join(_MARKUP.sub("", label.text).strip(" :*").split())
    return InstrumentHit(kind=kind, strong=False, start=label.start, end=label.end,
                         sentence=label.index, title=title or None, creating=True, listed=True,
                         status=mention_status(body, body.start, body.start, clause_only=False))


def _list_hits(doc: Document) -> list[InstrumentHit]:
    """Instruments named only by the labels of a list the text announces."""
    hits: list[InstrumentHit] = []
    kind: InstrumentKind | None = None
    for sentence in doc.sentences:
        if sentence.kind == "para" or (sentence.kind == "heading" and not _is_label(
                doc, sentence)):
            kind = _list_kind(sentence) if sentence.kind == "para" else None
            continue
        if kind is not None and sentence.kind == "heading":
            hit = _label_hit(doc, sentence, kind)
            if hit is not None:
                hits.append(hit)
    return hits


def _label_statuses(doc: Document, hits: list[InstrumentHit]) -> list[InstrumentHit]:
    """A mention in a list item's label takes its status from the item's first sentence."""
    out: list[InstrumentHit] = []
    for hit in hits:
        sentence = doc.sentences[hit.sentence]
        if hit.status is None and sentence.kind == "heading" and _is_label(doc, sentence):
            body = doc.sentences[sentence.index + 1]
            hit = replace(hit, status=mention_status(body, body.start, body.start,
                                                     clause_only=False))
        out.append(hit)
    return out


def _is_label(doc: Document, sentence: Sentence) -> bool:
    nxt = doc.sentences[sentence.index + 1] if sentence.index + 1 < len(doc.sentences) else None
    return nxt is not None and nxt.block == sentence.block and nxt.kind == "bullet"


def find_hits(doc: Document) -> list[InstrumentHit]:
    """Every instrument mention in the body, acronym uses included."""
    hits: list[InstrumentHit] = []
    for sentence in doc.sentences:
        if sentence.kind not in ("boilerplate", "caption") and not sentence.duplicate:
            hits.extend(keyword_mentions(doc.text, sentence))
    hits = _label_statuses(doc, _apply_title(doc, hits)) + _list_hits(doc)
    acronyms = {h.acronym: h.kind for h in hits if h.acronym}
    taken = [(h.start, h.end) for h in hits]
    for sentence in doc.sentences:
        if acronyms and sentence.kind not in ("boilerplate", "caption"):
            hits.extend(acronym_mentions(sentence, acronyms, taken))
    return hits


# --------------------------------------------------------------------------- parties


def _sentence_parties(parties: Sequence[Found]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for party in parties:
        if party.kind == "person":
            continue
        for sentence in sorted(party.sentences):
            names = out.setdefault(sentence, [])
            if party.name not in names:
                names.append(party.name)
    return out


def _main_countries(parties: Sequence[Found]) -> list[str]:
    countries = [p for p in parties if p.kind == "country"]
    countries.sort(key=lambda p: -len(p.mentions))
    return [p.name for p in countries[:2]]


def _parties_of(draft: _Draft, by_sentence: dict[int, list[str]],
                main: list[str]) -> list[str]:
    names: list[str] = []
    for hit in draft.hits:
        for name in ([hit.owner] if hit.owner else []) + by_sentence.get(hit.sentence, []):
            if name not in names:
                names.append(name)
    return names[:_MAX_PARTIES] or list(main)


def _cooperative(doc: Document, draft: _Draft, by_sentence: dict[int, list[str]]) -> bool:
    """False for a domestic programme: at most one party pursues it, with no word of
    cooperation outside its name ("the government's 'Uraan Pakistan' initiative")."""
    named = {name for hit in draft.hits for name in by_sentence.get(hit.sentence, [])}
    if len(named) != 1 or any(hit.listed for hit in draft.hits):
        return True
    for hit in draft.hits:
        sentence = doc.sentences[hit.sentence]
        text = doc.text[sentence.start:hit.start] + doc.text[hit.end:sentence.end]
        if COOPERATION.search(text):
            return True
    return False


# --------------------------------------------------------------------------- output


def frame_status(doc: Document) -> InstrumentStatus | None:
    """What the lead sentence reports ("have signed", "are exploring", "talks collapsed"):
    the status of news mentions without a cue of their own."""
    for sentence in doc.content[:1]:
        if NO_DEAL.search(sentence.text):
            return "under_discussion"
        return mention_status(sentence, sentence.start, sentence.start, clause_only=False)
    return None


_YEAR_BEFORE = re.compile(r"\b(?:in|since|of|from)\s+(?:[A-Z][a-z]+\s+(?:\d{1,2},?\s+)?)?"
                          r"((?:19|20)\d\d)\b")


def _in_past(doc: Document, sentence: int, year: int | None) -> bool:
    """The sentence puts what it names before the article: "which has expired", "an
    earlier agreement", "reached a basic agreement in April 2007" (in a 2010 story)."""
    text = doc.sentences[sentence].text
    if PAST_CONTEXT.search(text):
        return True
    return year is not None and any(int(m.group(1)) < year for m in _YEAR_BEFORE.finditer(text))


def _context(doc: Document, draft: _Draft, year: int | None) -> _Draft:
    """Mark a draft told only in the past, or only in sentences saying no deal was made."""
    if any(h.determiner == "self" or h.sentence < 0 for h in draft.hits):
        return draft
    sentences = {h.sentence for h in draft.hits}
    draft.past = all(_in_past(doc, i, year) for i in sentences)
    draft.no_deal = all(NO_DEAL.search(doc.sentences[i].text) for i in sentences)
    return draft


def _kept(draft: _Draft) -> bool:
    """An unnamed deal the text says was not reached is no instrument."""
    return not (draft.no_deal and draft.title is None and draft.acronym is None)


def _to_model(doc: Document, draft: _Draft, parties: list[str], frame: InstrumentStatus | None,
              config: RulesConfig) -> Instrument:
    spans = [(h.start, h.end) for h in draft.hits]
    fallback = "implemented" if draft.background else frame
    return Instrument(
        kind=draft.kind, title=draft.title, status=draft.status or fallback or "other",
        parties=parties, background=draft.background,
        evidence=evidence_for(doc, spans, config.max_quote_chars, config.max_evidence))


def find_instruments(doc: Document, parties: Sequence[Found], config: RulesConfig,
                     year: int | None = None) -> list[Instrument]:
    """Instruments of the article: the news first, then context, at most the configured.
    ``year`` (of publication) lets a dated earlier event count as context."""
    by_sentence = _sentence_parties(parties)
    main = _main_countries(parties)
    blocked = [(m.start, m.end) for p in parties if p.kind != "country" for m in p.mentions]
    hits = _outside(find_hits(doc), blocked)
    drafts = [d for d in (_context(doc, d, year) for d in _merge(doc, hits))
              if _cooperative(doc, d, by_sentence) and _kept(d)]
    drafts.sort(key=lambda d: (d.background, d.hits[0].start))
    frame = frame_status(doc)
    kept: list[tuple[_Draft, list[str]]] = []
    for draft in drafts:
        names = _parties_of(draft, by_sentence, main)
        twin = next((d for d, n in kept if _twins(d, draft, n, names)), None)
        if twin is not None:
            twin.hits.extend(draft.hits)
        else:
            kept.append((draft, names))
    return [_to_model(doc, d, names, frame, config)
            for d, names in kept[:config.max_instruments]]


def _twins(a: _Draft, b: _Draft, a_parties: list[str], b_parties: list[str]) -> bool:
    """An unnamed instrument of the kind and parties of an earlier one is that one told
    again ("a free trade deal" ... "the new trade deal")."""
    return (b.title is None and b.acronym is None and a.kind == b.kind
            and a.background == b.background and set(a_parties) == set(b_parties))
