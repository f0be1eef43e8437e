from __future__ import annotations

import subprocess
import sys

import summarizer


def test_public_surface_is_pinned() -> None:
    assert summarizer.__all__ == [
        "SCHEMA_VERSION", "Article", "ConfigError", "ContextLengthError", "Digest",
        "DigestWarning", "Evidence", "GroundingConfig", "InputError", "Instrument",
        "InvalidOutputError", "LLMConfig", "ModelError", "ModelUnavailableError", "Party",
        "PromptError", "Provenance", "RateLimitError", "RefusalError", "RetryPolicy",
        "SchemaDriftError", "Sector", "Summarizer", "SummarizerConfig", "SummarizerError",
        "Summary", "Target", "TruncatedOutputError", "__version__", "asummarize", "summarize",
    ]


def test_every_exported_name_resolves() -> None:
    for name in summarizer.__all__:
        assert getattr(summarizer, name) is not None


def test_errors_share_one_root() -> None:
    for name in summarizer.__all__:
        obj = getattr(summarizer, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, summarizer.SummarizerError)


def test_importing_the_package_does_not_import_openai_or_instructor() -> None:
    code = ("import sys, summarizer.cli.app; "
            "print(any(m.split('.')[0] in ('openai', 'instructor') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
