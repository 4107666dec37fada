"""Feed exporters for flat records that still hold lists (authors, advice, related links).

Scrapy's CSV exporter joins a list of strings with commas and cannot write a list of dicts;
here every list or dict cell is JSON text, so a CSV row reads back losslessly with
``json.loads``. Registered for ``csv`` in ``FEED_EXPORTERS``.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import CsvItemExporter


class JsonCellCsvItemExporter(CsvItemExporter):
    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, (list, tuple, dict)):
            return json.dumps(value, ensure_ascii=False)
        return super().serialize_field(field, name, value)
