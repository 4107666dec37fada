"""Package a WARC export as WACZ 1.1.1, the zip Webrecorder's replay tools open directly.

Layout, per the WACZ spec: ``archive/*.warc.gz`` (stored uncompressed in the zip, so readers
can seek into it), ``indexes/index.cdxj`` (built by cdxj-indexer, Webrecorder's own indexer),
``pages/pages.jsonl`` (one entry per live article captured in the export, with its extracted
text as the page text, so ReplayWeb.page can search it), ``datapackage.json`` listing every
file with its sha256 and size, and ``datapackage-digest.json`` with the digest of that.

Needs the ``warc`` extra (warcio, cdxj-indexer).
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from storage import models as m
from storage.errors import ArchiveError
from storage.queries import current_versions
from storage.selection import FetchSelection
from storage.warc import WarcResult, WarcSource, export_warc

try:
    from cdxj_indexer import CDXJIndexer
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ArchiveError("WACZ export needs cdxj-indexer: pip install 'healtharchive[warc]'") from exc

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}


@dataclass(frozen=True)
class WaczResult:
    path: Path
    warc: WarcResult
    pages: int


def export_wacz(
    session: Session,
    target: Path,
    source: WarcSource,
    selection: FetchSelection | None = None,
    max_size: int | None = None,
    title: str = "healtharchive export",
) -> WaczResult:
    with tempfile.TemporaryDirectory(prefix="healtharchive-wacz-") as work:
        warc_path = Path(work) / f"{target.stem}.warc.gz"
        warc = export_warc(session, warc_path, source, selection, max_size)
        if not warc.files:
            raise ArchiveError("no fetches match the selection; nothing written")
        index = _cdxj(warc.files)
        pages = page_entries(session, warc)
        pages_text = "".join(
            json.dumps(line, ensure_ascii=False) + "\n" for line in [PAGES_HEADER, *pages]
        )
        resources: list[dict[str, Any]] = []
        with zipfile.ZipFile(target, "w") as wacz:
            for path in warc.files:
                name = f"archive/{path.name}"
                wacz.write(path, name, compress_type=zipfile.ZIP_STORED)
                resources.append(_resource(name, path.read_bytes()))
            for name, data in (
                ("indexes/index.cdxj", index),
                ("pages/pages.jsonl", pages_text.encode("utf-8")),
            ):
                wacz.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
                resources.append(_resource(name, data))
            package = json.dumps(
                {
                    "profile": "data-package",
                    "title": title,
                    "resources": resources,
                    "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "wacz_version": WACZ_VERSION,
                    "software": source.software,
                },
                indent=2,
            ).encode("utf-8")
            wacz.writestr("datapackage.json", package, compress_type=zipfile.ZIP_DEFLATED)
            digest = {"path": "datapackage.json", "hash": _sha256(package)}
            wacz.writestr(
                "datapackage-digest.json",
                json.dumps(digest, indent=2),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return WaczResult(path=target, warc=warc, pages=len(pages))


def page_entries(session: Session, warc: WarcResult) -> list[dict[str, Any]]:
    """One entry per live article whose page the export captured, at its latest capture."""
    entries = []
    rows = session.execute(
        current_versions().where(m.Article.status == "live").order_by(m.Article.canonical_url)
    )
    for article, version in rows:
        url = next((u for u in (version.url, article.canonical_url) if u in warc.captures), None)
        if url is None:
            continue
        entries.append(
            {
                "id": f"article-{article.id}",
                "url": url,
                "ts": _iso(warc.captures[url]),
                "title": version.headline,
                "text": version.body,
            }
        )
    return entries


def _cdxj(warcs: list[Path]) -> bytes:
    out = io.StringIO()
    CDXJIndexer(output=out, inputs=[str(p) for p in warcs], sort=True).process_all()
    return out.getvalue().encode("utf-8")


def _resource(path: str, data: bytes) -> dict[str, Any]:
    return {
        "name": path.rsplit("/", 1)[-1].lower(),
        "path": path,
        "hash": _sha256(data),
        "bytes": len(data),
    }


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
