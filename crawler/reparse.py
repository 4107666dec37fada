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

from crawler.parsers import PARSER_VERSION, ParseError, parse_article, require_article
from crawler.parsers.content import ContentProfile
from crawler.parsers.records import Article
from crawler.profiles import profile_for
from pipelines.normalize import article_hash, normalize_article
from storage.archive import ArchiveWriter
from storage.clusters import cluster_articles
from storage.fingerprints import NearDupConfig, minhash, signature_bytes
from storage.queries import article_by_url
from storage.records import ArticleRecord
from storage.reextract import replace_extracted, stored_pages, unparsed_pages
from storage.runs import finish_run, start_run

Parser = Callable[[bytes, str, Mapping[str, str] | None, ContentProfile | None], Article]
BATCH = 200


@dataclass
class ReparseResult:
    reparsed: int = 0
    changed: int = 0
    failed: int = 0
    new_articles: int = 0
    """Pages the parser rejected when they were fetched and accepts now."""


def reparse(
    engine: Engine,
    *,
    parser: Parser = parse_article,
    parser_version: str = PARSER_VERSION,
    only_stale: bool = True,
    near_dup: NearDupConfig | None = None,
    profiles: Mapping[str, ContentProfile] | None = None,
    on_page: Callable[[ReparseResult], None] | None = None,
) -> ReparseResult:
    """Re-extract every archived version (or only those made by another parser version).

    ``on_page`` is called with the running totals after each version (for progress).

    Then offer the parser every archived HTML page no article came from: what it accepts now,
    under a canonical URL the archive does not know yet, is archived as a new article in a crawl
    run of its own named ``reparse``. Pages of known articles (print copies, mirrors) stay
    fetches: they were dropped as duplicates, not rejected by the parser.
    """
    near_dup = near_dup or NearDupConfig()
    profiles = profiles or {}
    result = ReparseResult()
    with Session(engine) as reader, Session(engine) as writer:
        pending = 0
        signed: list[tuple[int, bytes]] = []
        pages = stored_pages(reader, parser_version if only_stale else None)
        for page in pages:
            headers = {"content-type": page.content_type} if page.content_type else None
            try:
                profile = profile_for(page.url, profiles)
                article = normalize_article(
                    require_article(parser(page.body, page.url, headers, profile))
                )
            except ParseError:
                result.failed += 1
                if on_page:
                    on_page(result)
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
            if on_page:
                on_page(result)
            if pending >= BATCH:
                cluster_articles(writer, signed, near_dup)
                writer.commit()
                pending, signed = 0, []
        cluster_articles(writer, signed, near_dup)
        writer.commit()
    result.new_articles = _adopt_unparsed(engine, parser, parser_version, near_dup, profiles)
    return result


def _adopt_unparsed(
    engine: Engine,
    parser: Parser,
    parser_version: str,
    near_dup: NearDupConfig,
    profiles: Mapping[str, ContentProfile],
) -> int:
    run_id = start_run(engine, "reparse", [])
    archive = ArchiveWriter(engine, run_id, parser_version, near_dup)
    with Session(engine) as reader:
        for page in unparsed_pages(reader):
            headers = {"content-type": page.content_type} if page.content_type else None
            try:
                parsed = require_article(
                    parser(page.body, page.url, headers, profile_for(page.url, profiles))
                )
            except ParseError:
                continue
            article = normalize_article(parsed)
            if article_by_url(reader, article.canonicalUrl) is not None:
                continue
            archive.add_article(
                ArticleRecord(
                    article=article,
                    content_hash=article_hash(article),
                    fetch_key=page.key,
                    signature=signature_bytes(minhash(article.articleBody, near_dup)),
                    declared_canonical=article.canonicalDeclared,
                )
            )
            if archive.pending >= BATCH:
                archive.flush()
    archive.flush()
    finish_run(
        engine, run_id, "finished", {"reparse/" + k: v for k, v in vars(archive.totals).items()}
    )
    return archive.totals.new_articles
