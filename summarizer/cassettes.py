"""The recording policy for HTTP cassettes, shared by ``summarizer eval`` and the tests.

One place says how requests are matched, which headers never reach a cassette, and how
vcrpy's "no recorded answer" error is recognised (by name: vcrpy is an optional extra).
"""

from __future__ import annotations

from typing import Any

STALE_CASSETTE = "CannotOverwriteExistingCassetteException"
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")
FILTER_HEADERS = ("authorization", "api-key", "x-api-key", "openai-organization",
                  "openai-project", "cookie")
DROP_RESPONSE_HEADERS = frozenset({"set-cookie", "x-request-id", "request-id",
                                   "openai-organization", "openai-project", "cf-ray",
                                   "x-openai-proxy-wasm"})


def is_stale_cassette(exc: BaseException | None) -> bool:
    """True when vcrpy's no-match error is anywhere in the exception chain."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if type(exc).__name__ == STALE_CASSETTE:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class StaleWatch:
    """A call-event observer (``summarizer.llm.events.observe_calls``) that counts requests
    a cassette had no recorded answer for. The production code knows nothing of cassettes;
    the replay layer subscribes this and fails the run when it saw any, even where the
    pipeline went on (a failed grounding re-ask keeps the first answer)."""

    def __init__(self) -> None:
        self.stale = 0

    def __call__(self, event: Any) -> None:
        attempt = getattr(event, "attempt", None)
        if attempt is not None and attempt.error == STALE_CASSETTE:
            self.stale += 1


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop cookies, request ids and organisation headers before a response is recorded."""
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in DROP_RESPONSE_HEADERS:
            del headers[name]
    return response


def vcr_options() -> dict[str, Any]:
    """Keyword arguments for ``vcr.VCR`` (and pytest-recording's ``vcr_config``)."""
    return {
        "match_on": list(MATCH_ON),
        "decode_compressed_response": True,
        "filter_headers": list(FILTER_HEADERS),
        "before_record_response": scrub_response,
    }
