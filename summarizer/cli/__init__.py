"""The ``summarizer`` command: a thin client of the library, one module per command."""

from .app import app, main

__all__ = ["app", "main"]
