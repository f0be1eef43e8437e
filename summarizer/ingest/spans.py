"""Cleaned text assembled from kept runs of the original, with an exact offset map."""

from __future__ import annotations

from collections.abc import Sequence

from ..article import OffsetMap


def assemble(original: str, runs: Sequence[tuple[int, int]]) -> tuple[str, OffsetMap]:
    """Concatenate ``original[start:end]`` for each run; map every cleaned offset back.

    Runs must be in order and not overlap; touching runs are merged into one piece.
    """
    pieces: list[tuple[int, int, int]] = []
    clean_pos = 0
    for start, end in runs:
        if end <= start:
            continue
        length = end - start
        if pieces and _touches(pieces[-1], start):
            clean_start, orig_start, old = pieces[-1]
            pieces[-1] = (clean_start, orig_start, old + length)
        else:
            pieces.append((clean_pos, start, length))
        clean_pos += length
    text = "".join(original[orig : orig + length] for _, orig, length in pieces)
    return text, OffsetMap(pieces=tuple(pieces))


def _touches(piece: tuple[int, int, int], start: int) -> bool:
    _, orig_start, length = piece
    return orig_start + length == start
