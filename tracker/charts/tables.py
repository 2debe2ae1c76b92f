"""The numbers beside a chart, as an HTML table built in Python: a ledger's table has hundreds of
rows, and the template engine's per-cell filters cost more than the SQL behind them."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


def link(href: str, text: Any) -> SafeString:
    return format_html('<a href="{}">{}</a>', href, text)


def number_table(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    name: str,
    row_classes: Iterable[str] | None = None,
    row_header: bool = True,
) -> SafeString:
    """HEADERS and ROWS of cells (text is escaped; SafeStrings such as links are kept). The first
    cell of each row is its header for screen readers unless ROW_HEADER is false. A table too
    wide for a phone scrolls in its box, which the keyboard reaches and a screen reader calls
    NAME (unique on the page)."""
    classes = iter(row_classes) if row_classes is not None else None
    head = "".join(f'<th scope="col">{conditional_escape(h)}</th>' for h in headers)
    body = []
    for row in rows:
        css = next(classes, "") if classes is not None else ""
        cells = []
        for index, cell in enumerate(row):
            text = conditional_escape("" if cell is None else cell)
            cells.append(
                f'<th scope="row">{text}</th>' if index == 0 and row_header else f"<td>{text}</td>"
            )
        attr = f' class="{conditional_escape(css)}"' if css else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    return mark_safe(
        f'<div class="table-scroll" tabindex="0" role="region" '
        f'aria-label="{conditional_escape(name)}">'
        f'<table class="ledger-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
