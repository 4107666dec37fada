"""Re-extract archived pages with the current parser, without touching the network.

A parser fix then reaches the whole archive: each version's stored raw body is parsed again,
normalized exactly as at crawl time, and its extracted rows are replaced in place, stamped with
the parser version that produced them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.parsers import PARSER_VERSION, ParseError, parse_article
from crawler.parsers.content import ContentProfile
from crawler.parsers.records import Article
from crawler.profiles import profile_for
from pipelines.normalize import article_hash, normalize_article
from storage.archive import cluster_articles, replace_extracted, stored_pages
from storage.fingerprints import NearDupConfig, minhash, signature_bytes

Parser = Callable[[bytes, str, Mapping[str, str] | None, ContentProfile | None], Article]
BATCH = 200


@dataclass
class ReparseResult:
    reparsed: int = 0
    changed: int = 0
    failed: int = 0


def reparse(
    engine: Engine,
    *,
    parser: Parser = parse_article,
    parser_version: str = PARSER_VERSION,
    only_stale: bool = True,
    near_dup: NearDupConfig | None = None,
    profiles: Mapping[str, ContentProfile] | None = None,
) -> ReparseResult:
    """Re-extract every archived version (or only those made by another parser version)."""
    near_dup = near_dup or NearDupConfig()
    result = ReparseResult()
    with Session(engine) as reader, Session(engine) as writer:
        pending = 0
        signed: list[tuple[int, bytes]] = []
        pages = stored_pages(reader, parser_version if only_stale else None)
        for page in pages:
            headers = {"content-type": page.content_type} if page.content_type else None
            try:
                profile = profile_for(page.url, profiles or {})
                article = normalize_article(parser(page.body, page.url, headers, profile))
            except ParseError:
                result.failed += 1
                continue
            content_hash = article_hash(article)
            replace_extracted(writer, page, article, content_hash, parser_version)
            result.reparsed += 1
            result.changed += content_hash != page.content_hash
            if page.is_current:
                signed.append(
                    (page.article_id, signature_bytes(minhash(article.articleBody, near_dup)))
                )
            pending += 1
            if pending >= BATCH:
                cluster_articles(writer, signed, near_dup)
                writer.commit()
                pending, signed = 0, []
        cluster_articles(writer, signed, near_dup)
        writer.commit()
    return result
