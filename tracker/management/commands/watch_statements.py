from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.models import StatementWatch
from tracker.services.statement_watch import statements_watch_round


class Command(BaseCommand):
    help = (
        "Run one round of the statement watch in the foreground, with the code beat runs: "
        "re-fetch the due statements' original pages (or --statement ID now) and record edits "
        "and removals by the source."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--statement", type=int, help="check this statement now, due or not")

    def _progress(self, watch: StatementWatch, outcome: str) -> None:
        self.stdout.write(
            f"statement {watch.statement_id}: {outcome}  {watch.statement.original_url}"
        )
        if watch.last_error:
            self.stdout.write(f"    {watch.last_error}")

    def handle(self, *args: object, **options: object) -> None:
        statement_id = options["statement"]
        report = statements_watch_round(statement_id=statement_id, progress=self._progress)  # type: ignore[arg-type]
        if statement_id is not None and report.checked == 0:
            raise CommandError(f"statement {statement_id} does not exist or has no original URL")
        self.stdout.write(report.summary())
