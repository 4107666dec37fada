"""Non-article pages: home, paginated category listings, sitemap, robots.txt and broken pages.

Listings declare ``og:type`` ``website`` and paginate with both a visible "Next page" link and
``<link rel="next">``, so a crawler can tell pagination apart from article chains.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from crawler.demo.page import ORIGIN_PLACEHOLDER, Page
from crawler.demo.plan import Category
from crawler.demo.templates import (
    HTML_UTF8,
    SITE_NAME,
    SITE_NAME_ZH,
    SiteContext,
    most_read_list,
)

PER_PAGE = 12
LATEST_ON_HOME = 8
EXCERPT_CHARS = 120
BINARY_MAGIC = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
BINARY_LENGTH = 3000
TRUNCATE_AT = 0.55
"""Share of the full page actually sent for the truncated page, cut mid-document."""


@dataclass(frozen=True)
class ListingEntry:
    path: str
    title: str
    excerpt: str
    published: datetime


@dataclass(frozen=True)
class HomeBlocks:
    """The home page's curated blocks, each a list of ``(href, label)`` pairs."""

    latest: Sequence[tuple[str, str]]
    newsletter: Sequence[tuple[str, str]]
    reprints: Sequence[tuple[str, str]]
    archive: Sequence[tuple[str, str]]


def category_url(category: Category, page: int) -> str:
    base = f"/category/{category.slug}/"
    return base if page == 1 else f"{base}page/{page}/"


def render_category(
    category: Category, entries: Sequence[ListingEntry], ctx: SiteContext
) -> dict[str, Page]:
    """All pages of one category, newest first, keyed by URL."""
    count = max(1, -(-len(entries) // PER_PAGE))
    pages = {}
    for number in range(1, count + 1):
        chunk = entries[(number - 1) * PER_PAGE : number * PER_PAGE]
        html = _category_html(category, chunk, number, count, ctx)
        pages[category_url(category, number)] = (
            Page(200, (("Content-Type", "text/html; charset=gbk"),), html.encode("gbk"))
            if category.language == "zh"
            else Page(200, (("Content-Type", HTML_UTF8),), html.encode("utf-8"))
        )
    return pages


def _pagination(category: Category, number: int, count: int, zh: bool) -> tuple[str, str]:
    """The ``<link rel>`` head tags and the visible pager for one listing page."""
    head, pager = [], []
    previous_label, next_label = ("上一页", "下一页") if zh else ("Previous page", "Next page")
    if number > 1:
        head.append(f'<link rel="prev" href="{category_url(category, number - 1)}">')
        pager.append(
            f'<a class="prev" href="{category_url(category, number - 1)}">{previous_label}</a>'
        )
    for other in range(1, count + 1):
        if other == number:
            pager.append(f'<span class="current">{other}</span>')
        else:
            pager.append(
                f'<a class="page-numbers" href="{category_url(category, other)}">{other}</a>'
            )
    if number < count:
        head.append(f'<link rel="next" href="{category_url(category, number + 1)}">')
        pager.append(
            f'<a class="next" href="{category_url(category, number + 1)}">{next_label}</a>'
        )
    return "\n".join(head), " ".join(pager)


def _category_html(
    category: Category, entries: Sequence[ListingEntry], number: int, count: int, ctx: SiteContext
) -> str:
    zh = category.language == "zh"
    head_links, pager = _pagination(category, number, count, zh)
    site = SITE_NAME_ZH if zh else SITE_NAME
    page_label = (f"_第{number}页" if zh else f" - Page {number}") if number > 1 else ""
    items = "\n".join(
        f'<li class="post-item"><h2><a href="{entry.path}">{escape(entry.title)}</a></h2>'
        f'<p class="excerpt">{escape(entry.excerpt)}</p>'
        f'<time datetime="{entry.published:%Y-%m-%d}">{entry.published:%Y-%m-%d}</time></li>'
        for entry in entries
    )
    return f"""<!DOCTYPE html>
<html lang="{"zh-CN" if zh else "en"}">
<head>
<meta charset="{"gbk" if zh else "utf-8"}">
<title>{escape(category.name)}{page_label} - {site}</title>
<meta name="description" content="{escape(category.name)} - {site}">
<meta property="og:type" content="website">
<meta property="og:title" content="{escape(category.name)}">
{head_links}
</head>
<body class="archive category category-{category.slug}">
{_cookie_banner(zh)}
{_header(ctx, zh)}
<div class="container">
<main class="archive-list">
<h1 class="archive-title">{escape(category.name)}</h1>
<ul class="post-list">
{items}
</ul>
<nav class="pagination">{pager}</nav>
</main>
<aside class="sidebar">
{_most_read(ctx, "zh" if zh else "en", "热门排行" if zh else "Most read")}
</aside>
</div>
{_footer(zh)}
</body>
</html>
"""


def render_home(ctx: SiteContext, blocks: HomeBlocks) -> Page:
    """The entry point: categories, newest articles and the curated blocks."""
    categories = "\n".join(
        f'<li><a href="/category/{c.slug}/">{escape(c.name)}</a></li>' for c in ctx.categories
    )
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{SITE_NAME} - Everyday health advice</title>
<meta name="description" content="Practical health advice for everyday life.">
<meta property="og:type" content="website">
<meta property="og:title" content="{SITE_NAME}">
<link rel="canonical" href="{ORIGIN_PLACEHOLDER}/">
</head>
<body class="home">
{_cookie_banner(False)}
{_header(ctx, False)}
<div class="container">
<main class="home-main">
<section class="categories"><h2>Sections</h2><ul>
{categories}
</ul></section>
{_link_block("latest", "Latest articles", blocks.latest)}
{_link_block("newsletter", "From our newsletter", blocks.newsletter)}
{_link_block("partner-reprints", "From our partners", blocks.reprints)}
{_link_block("archive", "From the archive", blocks.archive)}
</main>
<aside class="sidebar">
{_most_read(ctx, "en", "Most read")}
</aside>
</div>
{_footer(False)}
</body>
</html>
"""
    return Page(200, (("Content-Type", HTML_UTF8),), html.encode("utf-8"))


def _link_block(css: str, heading: str, links: Sequence[tuple[str, str]]) -> str:
    items = "\n".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in links
    )
    return f'<section class="{css}"><h2>{heading}</h2><ul>\n{items}\n</ul></section>'


def _cookie_banner(zh: bool) -> str:
    if zh:
        return (
            '<div class="cookie-bar">本网站使用Cookie以提升浏览体验。'
            '<a href="javascript:;">我知道了</a></div>'
        )
    return (
        '<div class="cookie-notice" role="dialog"><p>We use cookies to improve your experience.</p>'
        '<button type="button">Accept all</button></div>'
    )


def _header(ctx: SiteContext, zh: bool) -> str:
    links = [f'<li><a href="/">{"首页" if zh else "Home"}</a></li>'] + [
        f'<li><a href="/category/{c.slug}/">{escape(c.name)}</a></li>' for c in ctx.categories
    ]
    site = SITE_NAME_ZH if zh else SITE_NAME
    return (
        f'<header class="site-header"><a class="site-title" href="/">{site}</a>'
        f'<nav class="main-navigation"><ul class="menu">{"".join(links)}</ul></nav></header>'
    )


def _most_read(ctx: SiteContext, language: str, heading: str) -> str:
    return f'<section class="widget most-read">{most_read_list(ctx, language, heading)}</section>'


def _footer(zh: bool) -> str:
    if zh:
        note = f"Copyright &copy; {SITE_NAME_ZH} 版权所有"
    else:
        note = (
            f"&copy; 2024 {SITE_NAME}. For information only; not a substitute for medical advice."
        )
    return (
        f'<footer class="site-footer"><p><a href="/">Home</a> | <a href="/sitemap.xml">Sitemap</a>'
        f"</p><p>{note}</p></footer>"
    )


def render_sitemap(entries: Sequence[tuple[str, datetime]]) -> Page:
    """Each URL with its ``<lastmod>``, to the second: the same moment as its Last-Modified."""
    urls = "\n".join(
        f"<url><loc>{ORIGIN_PLACEHOLDER}{escape(path)}</loc>"
        f"<lastmod>{moment:%Y-%m-%dT%H:%M:%S}+00:00</lastmod></url>"
        for path, moment in entries
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )
    return Page(200, (("Content-Type", "application/xml"),), xml.encode("utf-8"))


def render_robots() -> Page:
    text = f"User-agent: *\nDisallow: /private/\n\nSitemap: {ORIGIN_PLACEHOLDER}/sitemap.xml\n"
    return Page(200, (("Content-Type", "text/plain; charset=utf-8"),), text.encode("utf-8"))


def _simple_html(title: str, message: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - {SITE_NAME}</title>
<meta name="robots" content="noindex">
</head>
<body class="error-page">
<header class="site-header"><a class="site-title" href="/">{SITE_NAME}</a></header>
<main><h1>{title}</h1><p>{message}</p><p><a href="/">Back to the home page</a></p></main>
</body>
</html>
""".encode()


def render_not_found() -> Page:
    body = _simple_html("Page not found", "Sorry, the page you are looking for does not exist.")
    return Page(404, (("Content-Type", HTML_UTF8),), body)


def render_server_error() -> Page:
    body = _simple_html("Internal Server Error", "The server could not complete your request.")
    return Page(500, (("Content-Type", HTML_UTF8),), body)


def render_redirect(target: str) -> Page:
    body = _simple_html("Moved", f'This page has moved to <a href="{target}">{target}</a>.')
    return Page(302, (("Location", target), ("Content-Type", HTML_UTF8)), body)


def render_truncated(full: Page) -> Page:
    """The first part of a real article, announced with the full length: the rest never comes."""
    cut = int(len(full.body) * TRUNCATE_AT)
    return Page(full.status, full.headers, full.body[:cut], declared_length=len(full.body))


def render_binary(rng: random.Random) -> Page:
    """An image mislabelled as HTML, the way misconfigured servers send them."""
    body = BINARY_MAGIC + rng.randbytes(BINARY_LENGTH) + b"\x00" * 16
    return Page(200, (("Content-Type", "text/html"),), body)
