"""Readable printed output: tables and AWS responses as plain text.

Plain text (a Markdown pipe table is readable as is) prints the same in JupyterLab, a terminal and
a test, and nbval can compare it. Widgets come later, on top of these.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any


def _cell(value: Any) -> str:
    # JSON's spelling (true, null, ["a"]) is how these values look in tokens and AWS responses.
    if isinstance(value, (bool, list, tuple, dict)) or value is None:
        value = json.dumps(value)
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """Print rows as an aligned Markdown table."""
    cells = [[_cell(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)) + " |"

    print(line(cells[0]))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in cells[1:]:
        print(line(row))


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def response(reply: Mapping[str, Any]) -> None:
    """Print a boto3 response as JSON, without the HTTP details (ResponseMetadata)."""
    body = {key: value for key, value in reply.items() if key != "ResponseMetadata"}
    print(json.dumps(body, indent=2, default=_jsonable))
