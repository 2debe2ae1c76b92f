"""Precision, recall and F1 of the enrichment steps against a labelled set."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.enrich.evaluation import STEPS, evaluate, seed_check
from tracker.enrich.parties import demo_matcher


class Command(BaseCommand):
    help = (
        "Score enrichment against labels (a JSON file or a folder of them, e.g. tests/enrich/eval)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--verbose-misses", action="store_true", help="List every miss and extra."
        )

    def handle(self, *args: Any, path: Path, verbose_misses: bool, **options: Any) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        root = Path(settings.BASE_DIR)
        reports, totals = evaluate(path, root, demo_matcher())
        width = max(len(r.name) for r in reports)
        self.stdout.write(f"{'article':<{width}}  " + "  ".join(f"{s[:12]:>12}" for s in STEPS))
        for report in reports:
            cells = "  ".join(
                f"{sc.tp:>4}/{sc.tp + sc.fp:<3}/{sc.tp + sc.fn:<3}" for sc in report.scores.values()
            )
            self.stdout.write(
                f"{report.name:<{width}}  {cells}   {report.result.reason if report.result else ''}"
            )
            if verbose_misses:
                for miss in report.misses:
                    self.stdout.write(f"    {miss}")
        self.stdout.write("\n(cells: correct / proposed / labelled)\n")
        self.stdout.write(f"{'step':<16} {'precision':>9} {'recall':>7} {'F1':>6}   tp  fp  fn")
        for step, score in totals.items():
            self.stdout.write(
                f"{step:<16} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}  "
                f"{score.tp:>3} {score.fp:>3} {score.fn:>3}"
            )
        seed = next((r for r in reports if r.name.startswith("seed")), None)
        if seed is not None:
            self.stdout.write("\nSeed report:")
            for check, ok in seed_check(seed).items():
                self.stdout.write(f"  [{'x' if ok else ' '}] {check}")
