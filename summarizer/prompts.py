"""Versioned prompts: ``prompts/<id>/<version>.md`` files with YAML front matter.

A prompt file looks like::

    ---
    id: digest
    version: v1
    description: ...
    defaults:
      temperature: 0.0
    ---
    [system]
    ...Jinja template...
    [user]
    ...Jinja template, with {{ article_text }} fenced as data...

The registry loads every version, resolves ``digest@v1`` or ``digest`` (the latest), and
hashes each file's bytes so a digest's provenance names exactly what produced it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, Template

from .errors import PromptError
from .resources import resource_dir

_SECTION = re.compile(r"^\[(system|user)\]\s*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_JINJA = Environment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)
FENCE = "<<<ARTICLE"
FENCE_END = "ARTICLE>>>"


@dataclass(frozen=True)
class Prompt:
    id: str
    version: str
    description: str
    sha256: str
    path: Path
    system: str
    user: str
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    def render(self, **variables: Any) -> list[dict[str, str]]:
        """The chat messages for one call; every variable the template uses is required."""
        return [
            {"role": "system", "content": _template(self.system).render(**variables).strip()},
            {"role": "user", "content": _template(self.user).render(**variables).strip()},
        ]


@cache
def _template(source: str) -> Template:
    return _JINJA.from_string(source)


def fence(text: str) -> str:
    """Wrap untrusted article text so it reads as data and cannot close its own fence."""
    safe = text.replace(FENCE_END, "ARTICLE> >>").replace(FENCE, "<< <ARTICLE")
    return f"{FENCE}\n{safe}\n{FENCE_END}"


def parse_prompt(path: Path) -> Prompt:
    raw = path.read_bytes()
    content = raw.decode("utf-8")
    match = _FRONT_MATTER.match(content)
    if not match:
        raise PromptError("no YAML front matter (--- ... ---) at the top", source=str(path))
    meta = yaml.safe_load(match.group(1)) or {}
    sections = _sections(content[match.end() :], path)
    missing = {"id", "version"} - meta.keys()
    if missing:
        raise PromptError(f"front matter lacks {', '.join(sorted(missing))}", source=str(path))
    return Prompt(
        id=str(meta["id"]),
        version=str(meta["version"]),
        description=str(meta.get("description", "")).strip(),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=path,
        system=sections["system"],
        user=sections["user"],
        defaults=dict(meta.get("defaults") or {}),
    )


def _sections(body: str, path: Path) -> dict[str, str]:
    parts = _SECTION.split(body)
    sections = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    if set(sections) != {"system", "user"}:
        raise PromptError("needs exactly one [system] and one [user] section", source=str(path))
    return sections


def _version_key(version: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", version)
    return (int(digits) if digits else 0, version)


class PromptRegistry:
    """All prompt versions found under a directory (the packaged prompts by default)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or resource_dir("prompts")
        self._prompts: dict[tuple[str, str], Prompt] = {}
        for path in sorted(self.root.glob("*/*.md")):
            prompt = parse_prompt(path)
            self._prompts[(prompt.id, prompt.version)] = prompt

    def all(self) -> list[Prompt]:
        return sorted(self._prompts.values(), key=lambda p: (p.id, _version_key(p.version)))

    def get(self, ref: str) -> Prompt:
        """Resolve ``id@version``, or ``id`` / ``id@latest`` for the newest version."""
        prompt_id, _, version = ref.partition("@")
        versions = [p for p in self.all() if p.id == prompt_id]
        if not versions:
            known = ", ".join(sorted({p.id for p in self.all()})) or "none"
            raise PromptError(f"unknown prompt {ref!r} (known: {known})")
        if version in ("", "latest"):
            return versions[-1]
        for prompt in versions:
            if prompt.version == version:
                return prompt
        have = ", ".join(p.ref for p in versions)
        raise PromptError(f"unknown version {ref!r}; available: {have}")


@cache
def default_registry() -> PromptRegistry:
    return PromptRegistry()


def get_prompt(ref: str) -> Prompt:
    return default_registry().get(ref)
