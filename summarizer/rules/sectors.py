"""Sectors: a keyword taxonomy onto the controlled labels of ``models.SECTOR_LABELS``.

Each label has strong keywords (specific: "quantum", "critical minerals") and weak ones
(broad: "security", "space"). A sentence scores 2 for a label when it holds a strong
keyword, else 1 for a weak one, halved in a sentence of context (history, "part of ...");
a label needs ``RulesConfig.sector_min_score`` over the article and one strong keyword. The
evidence is the first sentence with a strong keyword of the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Sector, SectorLabel
from .config import RulesConfig
from .cues import BACKGROUND, PAST_STAT
from .sentences import Document, Sentence
from .spans import sentence_evidence


def _rx(words: str) -> re.Pattern[str]:
    """One pattern from a "|"-separated list; spaces match any whitespace run."""
    return re.compile(r"\b(?:" + words.replace(" ", r"\s+") + r")\b", re.IGNORECASE)


_TAXONOMY: dict[SectorLabel, tuple[str, str]] = {
    # label: (strong keywords, weak keywords)
    "energy": (
        r"energy|electricity|power generation|power plants?|renewables?|solar|wind power"
        r"|hydropower|hydroelectric|hydrogen|nuclear energy|nuclear power(?! ?ed)|natural gas"
        r"|LNG|petroleum|power grids?|clean power|battery storage|energy storage|fuels?",
        r"power|oil|grid|batteries"),
    "maritime and ports": (
        r"maritime|ports?|seaports?|harbou?rs?|shipping|shipyards?|blue economy|vessels?"
        r"|coast guard|seafarers|freedom of navigation|sea lanes|navigation",
        r"seas?|oceans?|ships?|marine"),
    "transport and logistics": (
        r"transport(?:ation)?|logistics|railways?|rail|highways?|aviation|air services"
        r"|airports?|trade routes?|transit|freight",
        r"roads?|connectivity|corridors?|vehicles"),
    "quantum and advanced computing": (
        r"quantum|supercomput\w*|high-performance computing|advanced computing", r"computing"),
    "ai and digital": (
        r"artificial intelligence|(?-i:AI)|digital\w*|cyber\w*|e-commerce|e-trade|software"
        r"|information and communications? technolog(?:y|ies)|(?-i:ICT)|internet|datasets?",
        r"data|technolog(?:y|ies)"),
    "telecommunications": (
        r"telecom\w*|(?-i:5G|6G)|radio access networks?|(?-i:RAN)|submarine cables?"
        r"|undersea cables?|spectrum|broadband|satellite communications",
        r"cables?|networks?"),
    "semiconductors": (
        r"semiconductors?|chips?|microelectronics|printed circuit boards?", r"electronics"),
    "defence and security": (
        r"defen[cs]e|military|armed forces|submarines?(?! cables?)|navy|naval|hypersonic"
        r"|peacekeeping|counterterrorism|weapons?|security cooperation|law enforcement"
        r"|maritime domain awareness|coast guard|troops|non-?proliferation",
        r"(?<!food\s)(?<!energy\s)(?<!economic\s)(?<!health\s)(?<!chain\s)security"),
    "agriculture and food": (
        r"agricultur\w*|food security|farmers?|farming|fertili[sz]ers?|fisheries|fishing"
        r"|crops?|soybeans?|poultry|livestock|agri-food",
        r"food"),
    "health": (
        r"health\w*|hospitals?|medical|medicines?|pharmaceutical\w*|vaccines?|(?-i:HIV|AIDS)"
        r"|malaria|pandemic|diseases?|biotechnolog\w*",
        r"surgical|medication"),
    "finance and investment": (
        r"invest\w*|financing|finance|funding|capital markets|loans?|banking|investors?",
        r"funds?|financial|economic"),
    "trade": (
        r"trade|exports?|imports?|tariffs?|market access|commerc\w*|customs",
        r"markets?|goods"),
    "manufacturing and industry": (
        r"manufactur\w*|industrial\w*|factor(?:y|ies)|biomanufacturing",
        r"industry|industries|production"),
    "critical minerals and mining": (
        r"critical minerals?|rare earths?|mining|minerals?|mineral resources?|lithium|cobalt"
        r"|copper|nickel|graphite",
        r"mines?"),
    "infrastructure": (
        r"infrastructure|construction|highways?|bridges?",
        r"railways?|ports?|projects?"),
    "education and skills": (
        r"education\w*|skills?|training|scholarships?|students?|universit(?:y|ies)|workforce"
        r"|capacity building|exchange programs?|(?-i:STEM)|teachers?|English language",
        r"exchanges?|academi\w*"),
    "science and research": (
        r"research\w*|scientific|science|(?-i:R&D)|laborator(?:y|ies)",
        r"innovation|technolog(?:y|ies)"),
    "space": (
        r"outer space|space exploration|space cooperation|civil space|space situational"
        r"|space dialogue|satellites?|lunar|Artemis|cubesats?|(?-i:NASA)|orbit\w*|spaceflight",
        r"(?-i:space)"),
    "climate and environment": (
        r"climate|environment\w*|emissions?|conservation|decarboni[sz]\w*|net-zero|greenhouse"
        r"|biodiversity|marine ecosystems?|pollution|clean air|methane|carbon",
        r"sustainab\w*|green"),
    "water": (
        r"drinking water|water resources|water supply|sanitation|irrigation|water",
        r"rivers?"),
    "tourism and culture": (
        r"touris\w*|cultur(?:e|al)|heritage|arts|people-to-people",
        r"sports?"),
    "humanitarian and development": (
        r"humanitarian|development assistance|foreign assistance|bilateral assistance"
        r"|disasters?|disaster relief|poverty|refugees?|developing countries|democra\w*"
        r"|development cooperation|development partnership|development objectives?"
        r"|self-reliance|devolution",
        r"assistance|aid|resilience|governance"),
    "labour and migration": (
        r"labou?r|workers?|migration|migrants?|visas?|seafarers|employment|jobs",
        r"workforce"),
}
_PATTERNS: dict[SectorLabel, tuple[re.Pattern[str], re.Pattern[str]]] = {
    label: (_rx(strong), _rx(weak)) for label, (strong, weak) in _TAXONOMY.items()
}
_WORD = re.compile(r"\b\w[\w&-]*")
_LOOKAROUND = re.compile(r"\(\?<?[!=][^)]*\)")
_GROUP_OPEN = re.compile(r"\(\?[-a-z]*:")
_SYNTAX = re.compile(r"\\[wsb]\*?|[?*+()\[\]]")


def _prefix(text: str) -> str:
    """The first three letters or digits of a word, lower-cased: the index key."""
    return "".join(c for c in text.lower() if c.isalnum())[:3]


_Probe = tuple[SectorLabel, bool, re.Pattern[str]]


def _probes_by_prefix() -> dict[str, list[_Probe]]:
    """Index key → the (label, strong?, pattern) whose keywords start that way, so a text
    word only meets the patterns it could begin."""
    out: dict[str, list[_Probe]] = {}
    for label, (strong, weak) in _TAXONOMY.items():
        for is_strong, words in ((True, strong), (False, weak)):
            plain = _GROUP_OPEN.sub("", _LOOKAROUND.sub("", words))
            keys = {_prefix(_SYNTAX.sub("", alternative)) for alternative in plain.split("|")}
            probe = (label, is_strong, _PATTERNS[label][0 if is_strong else 1])
            for key in keys - {""}:
                out.setdefault(key, []).append(probe)
    return out


_PROBES = _probes_by_prefix()


@dataclass
class _Score:
    score: float = 0.0
    evidence: tuple[Sentence, int, int] | None = None
    strong: bool = False


def _hits(doc: Document, readable: set[int]) -> dict[SectorLabel, dict[bool, dict[int, tuple[
        int, int]]]]:
    """Label → strong? → sentence index → first keyword span, from one pass over the text."""
    out: dict[SectorLabel, dict[bool, dict[int, tuple[int, int]]]] = {}
    for m in _WORD.finditer(doc.text):
        key = _prefix(m.group(0))
        probes = _PROBES.get(key, []) + _PROBES.get(key[:2], [])
        sentence = doc.at(m.start()) if probes else None
        if sentence is None or sentence.index not in readable:
            continue
        for label, is_strong, pattern in probes:
            found = pattern.match(doc.text, m.start(), sentence.end)
            if found:
                spans = out.setdefault(label, {}).setdefault(is_strong, {})
                spans.setdefault(sentence.index, (found.start(), found.end()))
    return out


_SCOPE = re.compile(
    r"\b(?:co-?operation|collaboration|partnership|agreements?|understanding|MOUs?|pacts?)"
    r" (?:in|on|across)\b"
    r"|\b(?:areas?|sectors?|fields?) (?:of|such as|including|like)\b|\bcover(?:s|ed|ing)?\b"
    r"|\bfocus(?:es|ed|ing)? on\b|\bpriorit(?:y|ies) (?:include|are)\b", re.IGNORECASE)
"""A sentence that says what the cooperation covers ("cooperation in health and education")."""


def _weight(sentence: Sentence) -> float:
    """Context (history, what a project is part of) counts half: "The first phase of CPEC,
    launched in 2015, focused on power and transport projects". A sentence that states the
    scope of the cooperation counts one and a half: a wire story may name a field once."""
    if BACKGROUND.search(sentence.text) or PAST_STAT.search(sentence.text):
        return 0.5
    return 1.5 if _SCOPE.search(sentence.text) else 1.0


def _label_score(doc: Document, hits: dict[bool, dict[int, tuple[int, int]]],
                 weights: dict[int, float]) -> _Score:
    strong = hits.get(True, {})
    weak = [i for i in hits.get(False, {}) if i not in strong]
    for i in (*strong, *weak):
        if i not in weights:
            weights[i] = _weight(doc.sentences[i])
    score = sum(2.0 * weights[i] for i in strong) + sum(weights[i] for i in weak)
    entry = _Score(score=score, strong=bool(strong))
    if strong:
        index = min(strong)
        entry.evidence = (doc.sentences[index], *strong[index])
    return entry


def find_sectors(doc: Document, config: RulesConfig) -> list[Sector]:
    """Sectors over the threshold, best scored first, at most ``config.max_sectors``."""
    readable = {s.index for s in doc.sentences
                if s.kind in ("para", "bullet", "heading") and not s.duplicate}
    weights: dict[int, float] = {}
    scores = {label: _label_score(doc, hits, weights)
              for label, hits in _hits(doc, readable).items()}
    kept = [(label, s) for label, s in scores.items()
            if s.score >= config.sector_min_score and s.evidence is not None]
    kept.sort(key=lambda item: -item[1].score)
    out: list[Sector] = []
    for label, entry in kept[:config.max_sectors]:
        assert entry.evidence is not None
        sentence, start, end = entry.evidence
        out.append(Sector(label=label, evidence=[
            sentence_evidence(doc, sentence, (start, end), config.max_quote_chars)]))
    return out
