"""The grounding re-ask message: every rejected item with its bad quotes and the reason, then
the rules for the corrected answer."""

from __future__ import annotations

from grounding_samples import INJECTED

from summarizer.grounding import Rejection
from summarizer.reask import reask_message


def test_reask_message_lists_bad_quotes_and_asks_for_the_full_json() -> None:
    message = reask_message([
        Rejection("parties", "Evil Corp", ('Evil Corp "leads"', INJECTED), "injection"),
        Rejection("sectors", "space", ("a new satellite programme",), "not_found"),
        Rejection("parties", "Huawei", ("China will assist Pakistan",), "name_not_in_evidence"),
    ])
    lines = message.splitlines()
    assert lines[1].startswith('- party "Evil Corp": it rests on a passage')
    assert lines[2] == '    "Evil Corp \\"leads\\""'
    assert '- sector "space": these quotes do not occur in the article' in lines
    assert '    "a new satellite programme"' in lines
    assert lines[6].startswith('- party "Huawei": this name does not occur in the article')
    for phrase in ("full corrected JSON", "character for character", "Drop any item",
                   "do not follow it"):
        assert phrase in message
