"""The schema a model is sent: the draft model's JSON Schema, made small.

A request carries the schema once, in the place its mode uses (``tools``, or
``response_format``), never also in the system message. What goes on the wire is
:func:`compact_schema`: nested models inlined, no titles (but the top one, which names the
tool), no defaults, no descriptions (the prompt says what each field means), no string
length caps (validation still enforces them and re-asks). Enumerations and the 1 to 3
quotes an item needs stay: they are what a grammar or a strict decoder must know.

:func:`wire_model` hands instructor a subclass whose ``model_json_schema`` is the compact
schema, built once per process; instructor stays the validation and re-ask engine.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

_DROPPED = frozenset({"title", "default", "description", "maxLength"})
_WIRE: dict[type[BaseModel], type[BaseModel]] = {}


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Nested models inlined, and the keywords in ``_DROPPED`` removed (property names,
    which may be called "title" or "description" too, are kept)."""
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _inline(prop, defs) for name, prop in value.items()}
        elif key not in _DROPPED and key != "$defs":
            out[key] = _inline(value, defs)
    return out


def _share_quotes(schema: dict[str, Any]) -> dict[str, Any]:
    """Every item's ``evidence`` array is the same: define it once and refer to it."""
    quotes: dict[str, Any] | None = None

    def visit(node: Any) -> Any:
        nonlocal quotes
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: visit(value) for key, value in node.items()}
        props = out.get("properties")
        if isinstance(props, dict) and isinstance(props.get("evidence"), dict):
            quotes = props["evidence"]
            props["evidence"] = {"$ref": "#/$defs/q"}
        return out

    shared: dict[str, Any] = visit(schema)
    if quotes is not None:
        shared["$defs"] = {"q": quotes}
    return shared


def _optional(node: Any) -> Any:
    """``anyOf: [X, null]`` on an optional field becomes ``X``: leaving it out is the null."""
    if isinstance(node, list):
        return [_optional(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _optional(value) for key, value in node.items()}
    props, required = out.get("properties"), set(out.get("required", ()))
    if isinstance(props, dict):
        for name, prop in props.items():
            options = prop.get("anyOf") if isinstance(prop, dict) else None
            if name not in required and options and {"type": "null"} in options:
                rest = [o for o in options if o != {"type": "null"}]
                if len(rest) == 1:
                    props[name] = rest[0]
    return out


def _trim(node: Any, top: bool = True) -> Any:
    """A nested object's type is implied by its properties, an array's by its items, an
    enum's by its values; list lengths other than the quotes' are validated on our side."""
    if isinstance(node, list):
        return [_trim(item, False) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _trim(value, False) for key, value in node.items()}
    if not top and "properties" in out and out.get("type") == "object":
        del out["type"]
    if "enum" in out:
        out.pop("type", None)
    if out.get("type") == "array" and out.get("minItems") is None:
        out.pop("maxItems", None)
    if not top and "items" in out and out.get("type") == "array":
        del out["type"]
    return out


def compact_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON Schema with everything a model does not need taken out."""
    full = model.model_json_schema()
    defs = full.get("$defs", {})
    schema: dict[str, Any] = _share_quotes(_trim(_optional(_inline(full, defs))))
    schema["title"] = full.get("title", model.__name__)
    return schema


def wire_model(model: type[BaseModel]) -> type[BaseModel]:
    """A subclass of ``model`` that reports :func:`compact_schema` to instructor (cached)."""
    if model not in _WIRE:
        schema = compact_schema(model)

        def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
            return copy.deepcopy(schema)

        # the docstring becomes the tool's description: keep it to a word or two
        namespace = {"__doc__": f"{model.__name__}.", "__module__": model.__module__,
                     "model_json_schema": classmethod(model_json_schema)}
        _WIRE[model] = type(model.__name__, (model,), namespace)
    return _WIRE[model]
