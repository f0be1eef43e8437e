"""User overrides of entity resolution, from a TOML file (``--aliases aliases.toml``).

Applied by ``summarizer export`` and ``summarizer report`` on top of the automatic
resolution, without re-running any model::

    # never merge these, whatever the fuzzy matching thinks (before any [table])
    forbid = [["person:biden", "person:hunter-biden"]]

    # these ids (or surface names) are one entity, shown under the key's id
    [merge]
    "org:china-electronics-technology-group-corporation" = ["org:cetc", "CETC Group"]

    # the name an entity is shown under
    [names]
    "country:KOR" = "South Korea"

Keys of ``[merge]`` and ``[names]`` and members of ``forbid`` are entity ids; members of a
``[merge]`` list are ids or, when they hold no ``:``, surface names as articles write them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .names import name_key

_ID = re.compile(r"^(country|gov|org|person|place|other):\S+$")


@dataclass(frozen=True)
class Aliases:
    """Forced merges (id -> canonical id), surface names -> id, forbidden pairs, names."""

    merge: dict[str, str] = field(default_factory=dict)
    surfaces: dict[str, str] = field(default_factory=dict)
    forbid: frozenset[frozenset[str]] = frozenset()
    names: dict[str, str] = field(default_factory=dict)

    def target_of_surface(self, surface: str | None) -> str | None:
        return self.surfaces.get(name_key(surface)) if surface else None


def _id(value: Any, where: str, source: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ConfigError(f"{where}: {value!r} is not an entity id like 'org:acme' or "
                          "'country:USA'; fix the aliases file", source=source)
    return value


def load_aliases(path: Path) -> Aliases:
    """Read and check an aliases file; ConfigError names the file and the bad entry."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the aliases file: {exc.strerror or exc}",
                          source=source) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"not valid TOML ({exc}); see `summarizer export --help`",
                          source=source) from None
    unknown = set(data) - {"merge", "forbid", "names"}
    if unknown:
        raise ConfigError(f"unknown section(s) {sorted(unknown)}; use merge, forbid, names",
                          source=source)
    merge: dict[str, str] = {}
    surfaces: dict[str, str] = {}
    for table in ("merge", "names"):
        if "forbid" in data.get(table, {}):
            raise ConfigError(f"'forbid' landed inside [{table}]; move it above the first "
                              "[table] of the file", source=source)
    for target, members in dict(data.get("merge", {})).items():
        _id(target, "[merge]", source)
        if not isinstance(members, list):
            raise ConfigError(f"[merge] {target!r} must list ids or names", source=source)
        for member in members:
            if isinstance(member, str) and ":" not in member:
                surfaces[name_key(member)] = target
            else:
                merge[_id(member, f"[merge] {target!r}", source)] = target
    forbid: set[frozenset[str]] = set()
    for pair in data.get("forbid", []):
        if not isinstance(pair, list) or len(pair) < 2:
            raise ConfigError(f"forbid entries are lists of two or more ids, not {pair!r}",
                              source=source)
        ids = [_id(x, "forbid", source) for x in pair]
        forbid.update(frozenset((a, b)) for a in ids for b in ids if a != b)
    names = {_id(k, "[names]", source): str(v) for k, v in dict(data.get("names", {})).items()}
    return Aliases(merge, surfaces, frozenset(forbid), names)
