"""Per-feed keep/block rules: regular expressions an editor sets on a feed, searched in each
entry's title and text (case-insensitive). Matched with the `regex` module's time limit, so a
rule that backtracks badly costs at most RULE_TIMEOUT per entry instead of stalling ingest."""

from dataclasses import dataclass, field

import regex

from tracker.ingest.model import ParsedEntry
from tracker.text.html import html_to_text

RULE_TIMEOUT = 0.05  # seconds per entry and rule


@dataclass
class RuleOutcome:
    kept: list[ParsedEntry] = field(default_factory=list)
    dropped: int = 0
    # Entries kept because a rule ran out of time (a rule never loses an entry by accident).
    timed_out: int = 0

    @property
    def note(self) -> str:
        notes = []
        if self.dropped:
            notes.append(f"{self.dropped} entries left out by the feed's keep/block rules")
        if self.timed_out:
            notes.append(f"{self.timed_out} entries kept: a rule took longer than {RULE_TIMEOUT} s")
        return "; ".join(notes)


def apply_rules(entries: list[ParsedEntry], *, keep: str = "", block: str = "") -> RuleOutcome:
    """The entries that pass: KEEP (if set) found in the title or text, BLOCK (if set) not."""
    outcome = RuleOutcome()
    if not keep and not block:
        outcome.kept = entries
        return outcome
    keep_re = regex.compile(keep, regex.IGNORECASE) if keep else None
    block_re = regex.compile(block, regex.IGNORECASE) if block else None
    for entry in entries:
        text = f"{entry.title}\n{html_to_text(entry.content_html or entry.summary_html)}"
        try:
            passes = (keep_re is None or keep_re.search(text, timeout=RULE_TIMEOUT)) and (
                block_re is None or not block_re.search(text, timeout=RULE_TIMEOUT)
            )
        except TimeoutError:
            outcome.timed_out += 1
            passes = True
        if passes:
            outcome.kept.append(entry)
        else:
            outcome.dropped += 1
    return outcome
