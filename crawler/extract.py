"""Offline extraction of saved pages, for evaluation and debugging (``healtharchive extract``)."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path
from typing import Any

from crawler.parsers import ParseError, parse_article
from crawler.parsers.records import Article, Link


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    return data


def extract_file(path: Path, url: str | None = None) -> dict[str, Any]:
    """One JSON-ready record per file; a parse failure is a record with ``error``, not a crash."""
    page_url = url or path.resolve().as_uri()
    try:
        article = parse_article(read_page(path), page_url)
    except (ParseError, OSError, EOFError, gzip.BadGzipFile) as exc:
        reason = getattr(exc, "reason", type(exc).__name__)
        return {"file": str(path), "url": page_url, "error": reason, "message": str(exc)}
    return {"file": str(path), **dataclasses.asdict(article)}


def article_record(article: Article) -> dict[str, Any]:
    """The fields a parser test case pins down (``tests/crawler/parsers/fixtures/article``)."""

    def link(value: Link | None) -> dict[str, str] | None:
        return None if value is None else {"url": value.url, "text": value.text}

    return {
        "url": article.url,
        "headline": article.headline,
        "inLanguage": article.inLanguage,
        "datePublished": article.datePublished,
        "advice": [[item.printed_number, item.text] for item in article.advice],
        "previous": link(article.previous),
        "next": link(article.next),
        "related": [related.url for related in article.related],
    }


def fixture_expectation(html: bytes, url: str, content_type: str | None) -> dict[str, Any]:
    """A new test case's ``expected.json``: the response headers and today's parse."""
    headers = {"Content-Type": content_type} if content_type else {}
    return {"headers": headers, **article_record(parse_article(html, url, headers))}
