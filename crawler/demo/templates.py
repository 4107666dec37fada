"""HTML for the three article templates, their print views and partner reprints.

Each template imitates a different kind of real site: an old English content farm (the sample
page's ``<<:`` / ``>>:`` lines and cut teasers), a WordPress-style English blog with JSON-LD, and
a Chinese CMS serving GBK. All carry the boilerplate a parser must ignore: cookie banner, nav,
ads, a numbered "most read" sidebar, comments and footer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape

from crawler.demo import banks_en, banks_zh
from crawler.demo.page import ORIGIN_PLACEHOLDER, Page
from crawler.demo.plan import (
    CHARSET_HEADER_AND_META,
    CHARSET_META_ONLY,
    EN_OL,
    HEADING,
    INLINE,
    OL,
    PARA,
    SAMPLE,
    ZH_DUN,
    ZH_HEADING,
    ZH_PAREN,
    AdviceBlock,
    ArticlePlan,
    Category,
)

SITE_NAME = "Healthy Living Daily"
SITE_NAME_ZH = "健康生活网"
PARTNER_NAME = "Partner Health Weekly"
TEASER_CHARS = 45
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass(frozen=True)
class SiteContext:
    """Everything an article page shows about other pages: titles, chains, related, sidebars."""

    categories: tuple[Category, ...]
    titles: Mapping[str, str]
    teasers: Mapping[str, str]
    dates: Mapping[str, datetime]
    previous: Mapping[str, str]
    next: Mapping[str, str]
    related: Mapping[str, tuple[str, ...]]
    most_read: Mapping[str, tuple[str, ...]]
    printable: frozenset[str]
    members_links: Mapping[str, str]


def teaser(plan: ArticlePlan) -> str:
    """The cut teaser the sample page uses: the body's first characters and an ellipsis."""
    return plan.paragraph_text(0)[:TEASER_CHARS] + "..."


def print_path(path: str) -> str:
    return "/print" + path


def render_article(plan: ArticlePlan, ctx: SiteContext) -> Page:
    renderers: dict[str, Callable[[ArticlePlan, SiteContext], str]] = {
        SAMPLE: _sample_page,
        EN_OL: _en_ol_page,
    }
    if plan.language == "zh":
        return _gbk_page(_zh_page(plan, ctx), plan.charset_mode)
    return _utf8_page(renderers[plan.template](plan, ctx))


def render_print(plan: ArticlePlan) -> Page:
    """A printer-friendly copy: same text, almost no chrome, canonical pointing to the original."""
    zh = plan.language == "zh"
    body = _zh_body(plan, with_ads=False) if zh else _en_body(plan, with_ads=False)
    charset = "gbk" if zh else "utf-8"
    html = f"""<!DOCTYPE html>
<html lang="{plan.html_lang}">
<head>
<meta charset="{charset}">
<title>{escape(plan.title)} (print version)</title>
<meta name="author" content="{escape(plan.author)}">
<meta name="robots" content="noindex, follow">
<meta property="og:type" content="article">
<link rel="canonical" href="{ORIGIN_PLACEHOLDER}{plan.path}">
</head>
<body class="print-view" onload="window.print()">
<div class="print-header">{SITE_NAME_ZH if zh else SITE_NAME}</div>
<article class="print-article">
<h1>{escape(plan.title)}</h1>
<p class="byline">{escape(plan.author)} · {_stamp(plan.published)}</p>
<div class="article-body">
{body}
</div>
</article>
<p class="print-footer">{ORIGIN_PLACEHOLDER}{plan.path}</p>
</body>
</html>
"""
    if zh:
        return _gbk_page(html, CHARSET_HEADER_AND_META)
    return _utf8_page(html)


def _utf8_page(html: str) -> Page:
    return Page(200, (("Content-Type", HTML_UTF8),), html.encode("utf-8"))


def _gbk_page(html: str, charset_mode: str) -> Page:
    content_type = (
        "text/html; charset=gbk" if charset_mode == CHARSET_HEADER_AND_META else "text/html"
    )
    return Page(200, (("Content-Type", content_type),), html.encode("gbk"))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _long_date(moment: datetime) -> str:
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


def _blocks_after(plan: ArticlePlan, index: int) -> list[AdviceBlock]:
    return [block for block in plan.advice if block.after == index]


def _en_body(plan: ArticlePlan, with_ads: bool) -> str:
    """Prose paragraphs with the lists, bullets, references and in-text ads where they belong."""
    parts: list[str] = []
    for index in range(len(plan.paragraphs)):
        parts.append(f"<p>{escape(plan.paragraph_text(index))}</p>")
        if index == 0 and with_ads and plan.template == EN_OL:
            parts.append(_ad_div("ad ad-inarticle", plan.ads[1]))
        for block in _blocks_after(plan, index):
            parts.extend(_en_block(block, with_ads))
        if index == 2 and plan.bullets:
            parts.append(f"<p>{escape(plan.bullet_lead)}</p>")
            items = "".join(f"<li>{escape(item)}</li>" for item in plan.bullets)
            parts.append(f"<ul>{items}</ul>")
    if plan.references:
        parts.append("<h2>References</h2>")
        items = "\n".join(f"<li>{escape(item)}</li>" for item in plan.references)
        parts.append(f'<ol class="references">\n{items}\n</ol>')
    return "\n".join(parts)


def _en_block(block: AdviceBlock, with_ads: bool) -> list[str]:
    numbered = list(zip(block.numbers, block.items, strict=True))
    if block.style == INLINE:
        inline = " ".join(f"{number}. {escape(item)}" for number, item in numbered)
        return [f"<p>{escape(block.lead)} {inline} {escape(block.tail)}</p>"]
    parts = [f"<p>{escape(block.lead)}</p>"]
    if block.style == OL:
        items = "\n".join(f"<li>{escape(item)}</li>" for _, item in numbered)
        parts.append(f"<ol>\n{items}\n</ol>")
    elif block.style == PARA:
        parts.extend(f"<p>{number}{block.marker} {escape(item)}</p>" for number, item in numbered)
    elif block.style == HEADING:
        for position, (number, item) in enumerate(numbered):
            parts.append(f"<h2>{number}{block.marker} {escape(item)}</h2>")
            if position == 1 and with_ads:
                parts.append(_ad_div("ad ad-between", banks_en.ADS[-1]))
            parts.append(f"<p>{escape(block.explanations[position])}</p>")
    return parts


def _zh_body(plan: ArticlePlan, with_ads: bool) -> str:
    indent = "\u3000\u3000" if plan.number % 2 else ""
    parts: list[str] = []
    for index in range(len(plan.paragraphs)):
        parts.append(f"<p>{indent}{escape(plan.paragraph_text(index))}</p>")
        if index == 1 and with_ads:
            parts.append(_ad_div("ad", plan.ads[1], "广告"))
        for block in _blocks_after(plan, index):
            parts.extend(_zh_block(block, indent))
    return "\n".join(parts)


def _zh_block(block: AdviceBlock, indent: str) -> list[str]:
    parts = [f"<p>{indent}{escape(block.lead)}</p>"]
    for position, (number, item) in enumerate(zip(block.numbers, block.items, strict=True)):
        if block.style == ZH_DUN:
            parts.append(f"<p>{indent}{number}、{escape(item)}</p>")
        elif block.style == ZH_PAREN:
            parts.append(f"<p>{indent}（{number}）{escape(item)}</p>")
        elif block.style == ZH_HEADING:
            marker = (
                f"{number}."
                if block.marker == "."
                else f"{banks_zh.CHINESE_NUMERALS[number - 1]}、"
            )
            parts.append(f"<p><strong>{marker}{escape(item)}</strong></p>")
            parts.append(f"<p>{indent}{escape(block.explanations[position])}</p>")
    return parts


def _ad_div(classes: str, text: str, label: str = "Advertisement") -> str:
    slot = classes.split()[-1]
    return (
        f'<div class="{classes}" data-ad-slot="{slot}">'
        f'<span class="ad-label">{label}</span><p>{escape(text)}</p></div>'
    )


def most_read_list(ctx: SiteContext, language: str, heading: str) -> str:
    """The numbered "most read" sidebar: a trap for advice-list recognisers."""
    items = "\n".join(
        f'<li><a href="{path}">{escape(ctx.titles[path])}</a></li>'
        for path in ctx.most_read[language]
    )
    return f"<h3>{heading}</h3>\n<ol>\n{items}\n</ol>"


def _members_widget(plan: ArticlePlan, ctx: SiteContext, heading: str) -> str:
    target = ctx.members_links.get(plan.path)
    if target is None:
        return ""
    return (
        f'<div class="widget members-only"><h3>{heading}</h3>'
        f'<ul><li><a href="{target}">{escape(ctx.titles[target])}</a></li></ul></div>'
    )


def _en_nav(ctx: SiteContext, current: Category) -> str:
    links = ['<li><a href="/">Home</a></li>']
    for category in ctx.categories:
        active = ' class="active"' if category == current else ""
        links.append(
            f'<li{active}><a href="/category/{category.slug}/">{escape(category.name)}</a></li>'
        )
    return "\n".join(links)


def _canonical(plan: ArticlePlan) -> str:
    if not (plan.canonical or plan.reprint_of):
        return ""
    return f'<link rel="canonical" href="{ORIGIN_PLACEHOLDER}{plan.path}">\n'


def _print_link(plan: ArticlePlan, ctx: SiteContext, label: str) -> str:
    if plan.path not in ctx.printable:
        return ""
    return f' <a class="print-link" href="{print_path(plan.path)}" rel="nofollow">{label}</a>'


def _en_comments(plan: ArticlePlan) -> str:
    return "\n".join(
        f'<li class="comment"><div class="comment-meta"><span class="comment-author">'
        f"{escape(c.author)}</span> <time>{c.date}</time></div>"
        f'<div class="comment-content"><p>{escape(c.text)}</p></div></li>'
        for c in plan.comments
    )


def _sample_page(plan: ArticlePlan, ctx: SiteContext) -> str:
    """The content-farm layout of the reference page: ``<<:``/``>>:`` lines and cut teasers."""
    reprint = plan.reprint_of is not None
    category = plan.category
    nav = " | ".join(
        ['<a href="/">Home</a>']
        + [f'<a href="/category/{c.slug}/">{escape(c.name)}</a>' for c in ctx.categories]
    )
    siblings = [] if reprint else _sample_siblings(plan, ctx)
    related = "\n".join(
        f'<li><a href="{path}">{escape(ctx.teasers[path])}</a></li>'
        for path in ctx.related[plan.path]
    )
    ads = banks_en.PARTNER_ADS if reprint else plan.ads
    source = PARTNER_NAME if reprint else SITE_NAME
    return f"""<!DOCTYPE html>
<html lang="{plan.html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(plan.title)}_{escape(category.name)}_{SITE_NAME}</title>
<meta name="keywords" content="{escape(plan.topic.name)},{escape(category.name)},health">
<meta name="description" content="{escape(teaser(plan))}">
<meta name="author" content="{escape(plan.author)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(plan.title)}">
{_canonical(plan)}</head>
<body>
<div id="cookie-tip" class="cookie-banner">This site uses cookies to analyse traffic and \
personalise ads. By continuing to browse you agree to our use of cookies. \
<button type="button" class="cookie-ok">OK</button></div>
<div class="header">
<div class="logo"><a href="/">{SITE_NAME}</a></div>
<div class="nav">{nav}</div>
</div>
<div class="wrapper clearfix">
<div class="left-main">
<div class="position">Location: <a href="/">Home</a> &gt; \
<a href="/category/{category.slug}/">{escape(category.name)}</a> &gt; Article</div>
<div class="article">
<h1>{escape(plan.title)}</h1>
<div class="article-info">Time: {_stamp(plan.published)} &nbsp; Author: \
{escape(plan.author)} &nbsp; Source: {source}{_print_link(plan, ctx, "[Print]")}</div>
{_ad_div("ad ad-top", ads[0])}
<div class="article-body content">
{_en_body(plan, with_ads=True)}
</div>
<div class="prev-next">
{"".join(siblings)}</div>
</div>
{_ad_div("ad ad-bottom", ads[1])}
<div class="teaser-list">
<h3>Recommended</h3>
<ul>
{related}
</ul>
</div>
{_sample_comments(plan)}
</div>
<div class="sidebar">
<div class="widget most-read">
{most_read_list(ctx, "en", "Most read")}
</div>
{_members_widget(plan, ctx, "Members only")}
</div>
</div>
{_sample_footer(reprint)}
</body>
</html>
"""


def _sample_siblings(plan: ArticlePlan, ctx: SiteContext) -> list[str]:
    lines = []
    previous, following = ctx.previous.get(plan.path), ctx.next.get(plan.path)
    if previous:
        lines.append(f'<p>&lt;&lt;: <a href="{previous}">{escape(ctx.titles[previous])}</a></p>\n')
    if following:
        lines.append(
            f'<p>&gt;&gt;: <a href="{following}">{escape(ctx.titles[following])}</a></p>\n'
        )
    return lines


def _sample_comments(plan: ArticlePlan) -> str:
    if not plan.comments:
        return ""
    return (
        f'<div class="comments" id="comments">\n<h3>Comments ({len(plan.comments)})</h3>\n'
        f'<ul class="comment-list">\n{_en_comments(plan)}\n</ul>\n</div>'
    )


def _sample_footer(reprint: bool) -> str:
    if reprint:
        return (
            '<div class="footer partner-footer"><p>Reprinted with permission from '
            f"{PARTNER_NAME}. All rights reserved by the original publisher.</p></div>"
        )
    return (
        '<div class="footer"><p><a href="/">Home</a> | <a href="/sitemap.xml">Sitemap</a></p>'
        f"<p>Copyright &copy; 2021-2024 {SITE_NAME}. The content of this site is for reference "
        "only and cannot replace a doctor's diagnosis.</p></div>"
    )


def _json_ld(plan: ArticlePlan) -> str:
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": plan.ld_type,
        "headline": plan.title,
        "datePublished": _iso(plan.published),
    }
    if plan.modified:
        data["dateModified"] = _iso(plan.modified)
    data["author"] = {"@type": "Person", "name": plan.author}
    data["publisher"] = {"@type": "Organization", "name": SITE_NAME}
    data["mainEntityOfPage"] = f"{ORIGIN_PLACEHOLDER}{plan.path}"
    data["inLanguage"] = plan.html_lang
    data["articleSection"] = plan.category.name
    if plan.reviewer:
        data["reviewedBy"] = {"@type": "Person", "name": plan.reviewer}
        data["lastReviewed"] = (plan.modified or plan.published).strftime("%Y-%m-%d")
    return json.dumps(data, ensure_ascii=False, indent=2).replace("</", "<\\/")


def _en_ol_page(plan: ArticlePlan, ctx: SiteContext) -> str:
    """A WordPress-style post: JSON-LD, canonical, arrows with titles, a Related ``<ul>``."""
    reprint = plan.reprint_of is not None
    category = plan.category
    related = "\n".join(
        f'<li><a href="{path}">{escape(ctx.titles[path])}</a></li>'
        for path in ctx.related[plan.path]
    )
    reviewed = (
        f' <span class="reviewed-by">Medically reviewed by {escape(plan.reviewer)}</span>'
        if plan.reviewer
        else ""
    )
    ads = banks_en.PARTNER_ADS if reprint else plan.ads
    return f"""<!DOCTYPE html>
<html lang="{plan.html_lang}">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(plan.title)} - {SITE_NAME}</title>
<meta name="description" content="{escape(plan.paragraph_text(0))}">
<meta name="author" content="{escape(plan.author)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(plan.title)}">
<meta property="og:url" content="{ORIGIN_PLACEHOLDER}{plan.path}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="article:published_time" content="{_iso(plan.published)}">
<meta property="article:section" content="{escape(category.name)}">
{_canonical(plan)}<script type="application/ld+json">
{_json_ld(plan)}
</script>
</head>
<body class="post-template-default single single-post">
<div class="cookie-notice" id="cookie-notice" role="dialog" aria-label="Cookie consent">
<p>We use cookies to improve your experience and to show relevant ads. \
<a href="#cookie-settings">Cookie settings</a></p>
<button type="button" class="cookie-accept">Accept all</button>
</div>
<header class="site-header">
<a class="site-title" href="/" rel="home">{SITE_NAME}</a>
<nav class="main-navigation" aria-label="Primary"><ul class="menu">
{_en_nav(ctx, category)}
</ul></nav>
</header>
<div class="site-content">
<main id="main" class="content-area">
<article class="post type-post status-publish hentry">
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="/">Home</a></li>
<li><a href="/category/{category.slug}/">{escape(category.name)}</a></li>
<li aria-current="page">{escape(plan.title)}</li>
</ol></nav>
<header class="entry-header">
<span class="cat-links"><a href="/category/{category.slug}/" rel="category tag">\
{escape(category.name)}</a></span>
<h1 class="entry-title">{escape(plan.title)}</h1>
<div class="entry-meta"><span class="byline">By <span class="author vcard">\
{escape(plan.author)}</span></span> <time class="entry-date published" \
datetime="{_iso(plan.published)}">{_long_date(plan.published)}</time>{reviewed}</div>
</header>
{_ad_div("ad ad-leaderboard", ads[0])}
<div class="entry-content">
{_en_body(plan, with_ads=not reprint)}
</div>
<footer class="entry-footer">{_print_link(plan, ctx, "Print")}</footer>
{"" if reprint else _en_ol_siblings(plan, ctx)}
</article>
<section class="related-posts">
<h2>Related articles</h2>
<ul>
{related}
</ul>
</section>
{_en_ol_comments(plan)}
</main>
<aside id="secondary" class="sidebar widget-area">
<section class="widget widget_popular_posts">
{most_read_list(ctx, "en", "Most read")}
</section>
{_ad_div("ad ad-sidebar", ads[1])}
{_members_widget(plan, ctx, "Members only")}
</aside>
</div>
{_en_ol_footer(ctx, reprint)}
</body>
</html>
"""


def _en_ol_siblings(plan: ArticlePlan, ctx: SiteContext) -> str:
    previous, following = ctx.previous.get(plan.path), ctx.next.get(plan.path)
    parts = ['<nav class="post-navigation" aria-label="Posts"><div class="nav-links">']
    if previous:
        parts.append(
            f'<div class="nav-previous"><a href="{previous}" rel="prev" '
            f'title="{escape(ctx.titles[previous])}">&laquo; Previous article</a></div>'
        )
    if following:
        parts.append(
            f'<div class="nav-next"><a href="{following}" rel="next" '
            f'title="{escape(ctx.titles[following])}">Next article &raquo;</a></div>'
        )
    parts.append("</div></nav>")
    return "\n".join(parts)


def _en_ol_comments(plan: ArticlePlan) -> str:
    if not plan.comments:
        return ""
    count = len(plan.comments)
    noun = "thought" if count == 1 else "thoughts"
    return (
        f'<section id="comments" class="comments-area">\n<h2 class="comments-title">{count} '
        f"{noun} on &ldquo;{escape(plan.title)}&rdquo;</h2>\n"
        f'<ol class="comment-list">\n{_en_comments(plan)}\n</ol>\n</section>'
    )


def _en_ol_footer(ctx: SiteContext, reprint: bool) -> str:
    links = " ".join(
        f'<a href="/category/{c.slug}/">{escape(c.name)}</a>'
        for c in ctx.categories
        if c.language == "en"
    )
    note = (
        f"This article first appeared in {PARTNER_NAME} and is republished with permission."
        if reprint
        else f"&copy; 2024 {SITE_NAME}. For information only; not a substitute for medical advice."
    )
    return (
        f'<footer class="site-footer"><nav class="footer-menu">{links} '
        f'<a href="/sitemap.xml">Sitemap</a></nav><p class="site-info">{note}</p></footer>'
    )


def _zh_page(plan: ArticlePlan, ctx: SiteContext) -> str:
    """A Chinese CMS page: 上一篇/下一篇 beside the links, a 相关资讯 block, GBK bytes."""
    reprint = plan.reprint_of is not None
    category = plan.category
    charset = {
        CHARSET_HEADER_AND_META: '<meta charset="gbk">\n',
        CHARSET_META_ONLY: '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n',
    }.get(plan.charset_mode, "")
    nav = "".join(
        ['<a href="/">首页</a>']
        + [f'<a href="/category/{c.slug}/">{escape(c.name)}</a>' for c in ctx.categories]
    )
    related = "\n".join(
        f'<li><a href="{path}" target="_blank">{escape(ctx.titles[path])}</a>'
        f'<span class="date">{ctx.dates[path]:%Y-%m-%d}</span></li>'
        for path in ctx.related[plan.path]
    )
    ads = banks_zh.PARTNER_ADS if reprint else plan.ads
    source = "健康周刊" if reprint else banks_zh.SOURCES[plan.number % len(banks_zh.SOURCES)]
    return f"""<!DOCTYPE html>
<html lang="{plan.html_lang}">
<head>
{charset}<title>{escape(plan.title)}_{escape(category.name)}_{SITE_NAME_ZH}</title>
<meta name="keywords" content="{escape(plan.topic.name)},{escape(category.name)}">
<meta name="description" content="{escape(plan.paragraph_text(0))}">
<meta name="author" content="{escape(plan.author)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(plan.title)}">
{_canonical(plan)}</head>
<body>
<div class="cookie-bar" id="cookie-bar">本网站使用Cookie以提升浏览体验，\
继续浏览即表示您同意我们使用Cookie。<a href="javascript:;" class="close">我知道了</a></div>
<div class="top">
<div class="logo"><a href="/">{SITE_NAME_ZH}</a></div>
<div class="nav">{nav}</div>
</div>
<div class="main w1200 clearfix">
<div class="con_left">
<div class="place">当前位置：<a href="/">首页</a> &gt; \
<a href="/category/{category.slug}/">{escape(category.name)}</a> &gt; 正文</div>
<div class="article_box">
<h1>{escape(plan.title)}</h1>
<div class="info">发布时间：{_stamp(plan.published)}&nbsp;&nbsp;作者：{escape(plan.author)}\
&nbsp;&nbsp;来源：{source}{_print_link(plan, ctx, "【打印】")}</div>
{_ad_div("ad ad_top", ads[0], "广告")}
<div class="article_con">
{_zh_body(plan, with_ads=not reprint)}
</div>
{"" if reprint else _zh_siblings(plan, ctx)}
</div>
<div class="xiangguan related">
<div class="tit"><h3>相关资讯</h3></div>
<ul>
{related}
</ul>
</div>
{_zh_comments(plan)}
</div>
<div class="con_right sidebar">
<div class="hot">
{most_read_list(ctx, "zh", "热门排行")}
</div>
{_ad_div("ad ad_side", ads[1], "广告")}
{_members_widget(plan, ctx, "会员专区")}
</div>
</div>
{_zh_footer(reprint)}
</body>
</html>
"""


def _zh_siblings(plan: ArticlePlan, ctx: SiteContext) -> str:
    lines = []
    for label, target in (
        ("上一篇", ctx.previous.get(plan.path)),
        ("下一篇", ctx.next.get(plan.path)),
    ):
        if target:
            lines.append(f'<li>{label}：<a href="{target}">{escape(ctx.titles[target])}</a></li>')
        else:
            lines.append(f"<li>{label}：没有了</li>")
    return '<div class="prenext"><ul>\n' + "\n".join(lines) + "\n</ul></div>"


def _zh_comments(plan: ArticlePlan) -> str:
    if not plan.comments:
        return ""
    items = "\n".join(
        f'<dl class="pl_item"><dt><span class="user">{escape(c.author)}</span>'
        f'<span class="time">{c.date}</span></dt><dd>{escape(c.text)}</dd></dl>'
        for c in plan.comments
    )
    return f'<div class="pinglun comments" id="comments">\n<h3>网友评论</h3>\n{items}\n</div>'


def _zh_footer(reprint: bool) -> str:
    note = (
        "本文转载自健康周刊，版权归原作者所有。"
        if reprint
        else f"Copyright &copy; {SITE_NAME_ZH} 版权所有　本站内容仅供参考，不作为诊断及医疗依据。"
    )
    links = '<a href="/">返回首页</a> | <a href="/sitemap.xml">网站地图</a>'
    return f'<div class="footer"><p>{links}</p><p>{note}</p></div>'
