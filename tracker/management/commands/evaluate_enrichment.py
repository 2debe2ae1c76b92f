"""Precision, recall and F1 of the enrichment steps against a labelled set."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.demo.matcher import demo_matcher
from tracker.enrich.evaluation import Score, by_language, evaluate, seed_check, totals
from tracker.enrich.parties import PartyMatcher, entries_from_conflicts
from tracker.enrich.strict import STRICT_STEPS


class Command(BaseCommand):
    help = (
        "Score enrichment against labels (a JSON file or a folder of them, e.g. tests/enrich/eval"
        " or a corpus part with --conflicts): strict per-instance scores per step and language,"
        " then the key-set scores."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="labels (file or folder)")
        parser.add_argument("--labels", type=Path, help="the same as PATH")
        parser.add_argument(
            "--conflicts",
            type=Path,
            help="parties from a conflicts file (import_conflict shape) instead of the demo set",
        )
        parser.add_argument(
            "--verbose-misses", action="store_true", help="List every miss and extra."
        )

    def handle(
        self,
        *args: Any,
        path: Path | None,
        labels: Path | None,
        conflicts: Path | None,
        verbose_misses: bool,
        **options: Any,
    ) -> None:
        path = labels or path
        if path is None:
            raise CommandError("give the labels: PATH or --labels DIR")
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        reports, keyset = evaluate(path, Path(settings.BASE_DIR), self._matcher(conflicts))
        if not reports:
            raise CommandError(f"{path}: no label files (*.json)")
        width = max(len(r.name) for r in reports)
        self.stdout.write(
            f"{'article':<{width}}  " + "  ".join(f"{s[:12]:>12}" for s in STRICT_STEPS)
        )
        for report in reports:
            cells = "  ".join(
                f"{sc.tp:>4}/{sc.tp + sc.fp:<3}/{sc.tp + sc.fn:<3}" for sc in report.strict.values()
            )
            reason = report.result.reason if report.result else ""
            self.stdout.write(f"{report.name:<{width}}  {cells}   {report.language} {reason}")
            if verbose_misses:
                for miss in report.misses:
                    self.stdout.write(f"    {miss}")
        self.stdout.write("\n(cells: correct / proposed / labelled)")
        self._table(
            "Strict (span overlap and side, one-to-one)", totals(reports, "strict", STRICT_STEPS)
        )
        self.stdout.write("\nStrict, per language (statement P/R/F1 · claim F1 · overall F1):")
        for language, scores in by_language(reports).items():
            st = scores["statement"]
            count = sum(1 for r in reports if r.language == language)
            self.stdout.write(
                f"  {language:<4} {count:>3} texts  statement {st.precision:.3f}/{st.recall:.3f}/"
                f"{st.f1:.3f} ({st.tp}/{st.tp + st.fp}/{st.tp + st.fn})  claim "
                f"{scores['claim'].f1:.3f}  overall {scores['overall'].f1:.3f}"
            )
        self._table("Key sets (per article, as first measured)", keyset)
        seed = next((r for r in reports if r.name.startswith("seed")), None)
        if seed is not None:
            self.stdout.write("\nSeed report:")
            for check, ok in seed_check(seed).items():
                self.stdout.write(f"  [{'x' if ok else ' '}] {check}")

    def _table(self, title: str, scores: dict[str, Score]) -> None:
        self.stdout.write(f"\n{title}")
        self.stdout.write(f"{'step':<16} {'precision':>9} {'recall':>7} {'F1':>6}   tp  fp  fn")
        for step, score in scores.items():
            self.stdout.write(
                f"{step:<16} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}  "
                f"{score.tp:>3} {score.fp:>3} {score.fn:>3}"
            )

    def _matcher(self, conflicts: Path | None) -> PartyMatcher:
        if conflicts is None:
            return demo_matcher()
        try:
            data = json.loads(conflicts.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"--conflicts {conflicts}: {exc}") from exc
        return PartyMatcher(entries_from_conflicts(data))
