"""Pure parsers: HTML bytes + URL + headers -> typed records. Never import Scrapy here."""

from crawler.parsers.article import PARSER_VERSION, parse_article
from crawler.parsers.errors import EmptyBody, NotAnArticle, NotHtml, ParseError
from crawler.parsers.records import AdviceItem, Article, BulletList, Link, Metadata, Siblings

__all__ = [
    "PARSER_VERSION",
    "AdviceItem",
    "Article",
    "BulletList",
    "EmptyBody",
    "Link",
    "Metadata",
    "NotAnArticle",
    "NotHtml",
    "ParseError",
    "Siblings",
    "parse_article",
]
