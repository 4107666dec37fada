"""Pure parsers: HTML bytes + URL + headers -> typed records. Never import Scrapy here."""

from crawler.parsers.article import (
    PARSER_VERSION,
    ParsedPage,
    parse_article,
    parse_page,
    require_article,
)
from crawler.parsers.errors import EmptyBody, NotAnArticle, NotHtml, ParseError
from crawler.parsers.links import page_links, parse_links
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
    "ParsedPage",
    "Siblings",
    "page_links",
    "parse_article",
    "parse_links",
    "parse_page",
    "require_article",
]
