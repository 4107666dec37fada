"""Normalize an article's text and URLs, and compute its content hash.

Runs after validation so every later stage (dedup, archive) sees one spelling of each URL and
of each text, and the hash compares content rather than whitespace.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from crawler.items import ArticleItem
from crawler.parsers.records import Article, Link
from crawler.urls import canonical_url, strip_tracking
from storage.fingerprints import content_hash


def clean(text: str) -> str:
    """NFC, no zero-width or control characters, collapsed spaces, paragraph breaks kept."""
    text = unicodedata.normalize("NFC", text).replace("\u200b", "").replace("\ufeff", "")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def clean_link(link: Link | None) -> Link | None:
    if link is None:
        return None
    return Link(url=strip_tracking(link.url), text=clean(link.text), title=clean(link.title))


def normalize_article(article: Article) -> Article:
    return dataclasses.replace(
        article,
        url=strip_tracking(article.url),
        canonicalUrl=canonical_url(article.canonicalUrl or article.url),
        headline=clean(article.headline),
        articleBody=clean(article.articleBody),
        advice=tuple(
            dataclasses.replace(item, text=clean(item.text), explanation=clean(item.explanation))
            for item in article.advice
        ),
        previous=clean_link(article.previous),
        next=clean_link(article.next),
        related=tuple(link for link in map(clean_link, article.related) if link),
        authors=tuple(clean(a) for a in article.authors if clean(a)),
        breadcrumbs=tuple(clean(c) for c in article.breadcrumbs if clean(c)),
        category=clean(article.category or "") or None,
    )


def article_hash(article: Article) -> str:
    return content_hash(
        article.headline,
        article.articleBody,
        ((item.printed_number, item.text) for item in article.advice),
    )


class NormalizePipeline:
    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.article = normalize_article(item.article)
        item.content_hash = article_hash(item.article)
        return item
