"""Pure parsers: HTML bytes + URL + headers -> typed records. Never import Scrapy here."""

from crawler.parsers.article import PARSER_VERSION, parse_article, require_article
from crawler.parsers.errors import EmptyBody, NotAnArticle, NotHtml, ParseError
from crawler.parsers.records import (
    AdviceItem,
    Article,
    ArticleDecision,
    ArticleSignals,
    BulletList,
    Link,
    Metadata,
    Siblings,
)

__all__ = [
    "PARSER_VERSION",
    "AdviceItem",
    "Article",
    "ArticleDecision",
    "ArticleSignals",
    "BulletList",
    "EmptyBody",
    "Link",
    "Metadata",
    "NotAnArticle",
    "NotHtml",
    "ParseError",
    "Siblings",
    "parse_article",
    "require_article",
]
