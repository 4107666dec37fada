"""Build the demo health site: every page as bytes, plus the ground truth a crawl is scored on.

The site is a pure function of ``(edition, seed)``. Edition 1 is drawn first in full; edition 2
is edition 1 with a few deliberate changes (five edited articles, one removed, one added), each
drawn from its own seeded generator so everything else stays byte-identical.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from itertools import pairwise

from crawler.demo import banks_en, banks_zh
from crawler.demo.banks_en import Topic
from crawler.demo.listings import (
    EXCERPT_CHARS,
    LATEST_ON_HOME,
    HomeBlocks,
    ListingEntry,
    render_binary,
    render_category,
    render_home,
    render_not_found,
    render_redirect,
    render_robots,
    render_server_error,
    render_sitemap,
    render_truncated,
)
from crawler.demo.page import DemoSite, Page, render_body
from crawler.demo.plan import (
    CATEGORIES,
    EN_OL,
    SAMPLE,
    ZH_GBK,
    ArticlePlan,
    Category,
    change_sentence,
    make_plan,
    revise,
    title_for,
    title_patterns,
)
from crawler.demo.templates import (
    SiteContext,
    print_path,
    render_article,
    render_print,
    teaser,
)

__all__ = ["DemoSite", "Page", "build_site", "render_body"]

ARTICLES_PER_CATEGORY = 36
DEFAULT_ARTICLES = ARTICLES_PER_CATEGORY * len(CATEGORIES)
FIRST_PUBLISHED = datetime(2022, 1, 3, 8, 0)
SLOW_PATH = "/health/slow.html"
SLOW_DELAY = 2.0
EDITED_COUNT = 5
EDIT_DELAY = timedelta(days=60)
ADDED_CATEGORY = "fitness"
MOST_READ_COUNT = 5
MEMBERS_LINK_EVERY = 11
RELATED_COUNTS = {SAMPLE: (8, 16), EN_OL: (3, 6), ZH_GBK: (5, 8)}
TRACKING_QUERIES = (
    "utm_source=newsletter&utm_medium=email",
    "utm_source=twitter&utm_medium=social&utm_campaign=spring",
    "utm_source=partner&utm_medium=referral",
)
MEMBERS = Category("members", "Members", EN_OL)
PRIVATE_TITLES = (
    ("/private/members-guide.html", "Members only: the complete guide to {name}"),
    ("/private/draft-review.html", "Draft: what our experts really think about {name}"),
    ("/private/clinic-notes.html", "Clinic notes on {name} (internal)"),
)
TRUNCATED_PATH = "/health/truncated.html"
BROKEN = (
    ("/health/missing.html", "http_404", "The old guide to seasonal flu shots"),
    ("/health/error.html", "http_500", "Ask the pharmacist: your questions answered"),
    (TRUNCATED_PATH, "dataloss", "Why do we yawn? The science explained"),
    ("/health/binary.html", "not_html", "Infographic: a week of healthy meals"),
    ("/loop/a", "redirect_loop", "Our story: ten years of healthy living"),
)


@dataclass(frozen=True)
class Slot:
    """One article's place in the publishing schedule, fixed before its text is written."""

    number: int
    category: Category
    title: str
    topic_index: int
    published: datetime

    @property
    def path(self) -> str:
        return f"/health/a-{self.number:03d}.html"


@dataclass(frozen=True)
class Roles:
    """Which edition-1 articles get duplicates, reprints, edits or go missing in edition 2."""

    slow: int
    tracked: tuple[int, ...]
    printed: tuple[int, ...]
    reprinted: tuple[int, ...]
    removed: int
    reserved: frozenset[int]
    """Chain neighbours of the removed and added articles: their links change in edition 2."""
    edited: tuple[int, ...] = ()

    def taken(self) -> frozenset[int]:
        singles = {self.slow, self.removed, *self.edited}
        return frozenset((*self.tracked, *self.printed, *self.reprinted, *singles, *self.reserved))


def build_site(edition: int = 1, seed: int = 7, articles: int = DEFAULT_ARTICLES) -> DemoSite:
    """The demo site for ``edition`` 1 or 2, identical for identical arguments.

    ``articles`` (rounded up to a multiple of the category count) sizes the site for load
    tests; titles repeat with a number once a category's title combinations run out.
    """
    if edition not in (1, 2):
        raise ValueError(f"edition must be 1 or 2, not {edition}")
    if articles < DEFAULT_ARTICLES:
        raise ValueError(f"the demo site needs at least {DEFAULT_ARTICLES} articles")
    rng = random.Random(seed)
    slots = _schedule(rng, -(-articles // len(CATEGORIES)))
    roles = _choose_roles(rng, slots)
    plans = [_write(seed, slot, roles) for slot in slots]
    roles = replace(roles, edited=_choose_edited(rng, plans, roles))
    related = _choose_related(rng, plans, roles.removed)
    most_read = _choose_most_read(rng, plans, roles.removed)
    added = _added_plan(seed, slots)
    related[added.path] = _related_for(
        random.Random(f"{seed}:added:related"), added, _RelatedPool(plans)
    )
    by_number = {plan.number: plan for plan in plans}
    if edition == 2:
        plans = [
            revise(plan, random.Random(f"{seed}:edit:{plan.number}"), plan.published + EDIT_DELAY)
            if plan.number in roles.edited
            else plan
            for plan in plans
            if plan.number != roles.removed
        ]
        plans.append(added)
    reprints = [_reprint(seed, by_number[number]) for number in roles.reprinted]
    for reprint, number in zip(reprints, roles.reprinted, strict=True):
        related[reprint.path] = related[by_number[number].path]
    return _assemble(seed, edition, plans, reprints, roles, related, most_read, by_number, added)


def _schedule(rng: random.Random, per_category: int) -> list[Slot]:
    """Interleave the categories over time and give each article a unique title."""
    order = [category for category in CATEGORIES for _ in range(per_category)]
    rng.shuffle(order)
    titles = {category.slug: iter(_titles(rng, category, per_category)) for category in CATEGORIES}
    slots, moment = [], FIRST_PUBLISHED
    for number, category in enumerate(order, start=1):
        moment += timedelta(hours=rng.randint(5, 40), minutes=rng.randint(0, 59))
        topic_index, title = next(titles[category.slug])
        slots.append(Slot(number, category, title, topic_index, moment))
    return slots


def _titles(rng: random.Random, category: Category, count: int) -> list[tuple[int, str]]:
    topics = _topics(category)
    combos = [
        (index, title_for(category, topic, pattern))
        for pattern in title_patterns(category)
        for index, topic in enumerate(topics)
    ]
    titles = rng.sample(combos, len(combos))
    for round_number in range(2, -(-count // len(combos)) + 1):
        titles += [(i, f"{t} ({round_number})") for i, t in rng.sample(combos, len(combos))]
    return titles


def _topics(category: Category) -> tuple[Topic, ...]:
    return banks_zh.TOPICS if category.language == "zh" else banks_en.TOPICS


def _chains(slots: Iterable) -> dict[str, list]:
    """Articles per category in publishing order: the previous/next sibling chains."""
    chains: dict[str, list] = {category.slug: [] for category in CATEGORIES}
    for item in sorted(slots, key=lambda s: s.published):
        chains[item.category.slug].append(item)
    return chains


def _choose_roles(rng: random.Random, slots: list[Slot]) -> Roles:
    """Pick disjoint articles for every special role, away from the chain ends."""
    chains = _chains(slots)
    removed = rng.choice(chains[CATEGORIES[0].slug][5:-5])
    added_neighbour = chains[ADDED_CATEGORY][-1]
    removed_chain = chains[removed.category.slug]
    position = removed_chain.index(removed)
    reserved = {added_neighbour.number}
    reserved |= {removed_chain[position - 1].number, removed_chain[position + 1].number}
    taken = {removed.number, *reserved}

    def pick(template: str) -> int:
        candidates = [
            slot.number
            for chain in chains.values()
            for slot in chain[1:-1]
            if slot.category.template == template and slot.number not in taken
        ]
        choice = rng.choice(candidates)
        taken.add(choice)
        return choice

    templates = (SAMPLE, EN_OL, ZH_GBK)
    return Roles(
        slow=pick(EN_OL),
        tracked=tuple(pick(template) for template in templates),
        printed=tuple(pick(template) for template in templates),
        reprinted=tuple(pick(template) for template in templates),
        removed=removed.number,
        reserved=frozenset(reserved),
    )


def _choose_edited(rng: random.Random, plans: list[ArticlePlan], roles: Roles) -> tuple[int, ...]:
    """Five articles with advice lists, spread over templates, none with another role."""
    taken = roles.taken()
    candidates = [plan for plan in plans if plan.advice and plan.number not in taken]
    by_template = {
        template: [p.number for p in candidates if p.template == template]
        for template in (SAMPLE, EN_OL, ZH_GBK)
    }
    chosen = [rng.choice(numbers) for numbers in by_template.values()]
    rest = [p.number for p in candidates if p.number not in chosen]
    chosen += rng.sample(rest, EDITED_COUNT - len(chosen))
    return tuple(sorted(chosen))


def _write(seed: int, slot: Slot, roles: Roles) -> ArticlePlan:
    path = SLOW_PATH if slot.number == roles.slow else slot.path
    topic = _topics(slot.category)[slot.topic_index]
    rng = random.Random(f"{seed}:article:{slot.number}")
    return make_plan(rng, slot.number, path, slot.category, topic, slot.title, slot.published)


class _RelatedPool:
    """Per template, the articles' paths in pool order and where each sits in that list.

    Excluding an article is then a deletion by position, not a scan of the whole pool per
    article, which made large sites (``articles=10_000``) quadratic to build.
    """

    def __init__(self, pool: Iterable[ArticlePlan]) -> None:
        self.paths: dict[str, list[str]] = {}
        self.position: dict[int, tuple[str, int]] = {}
        for plan in pool:
            paths = self.paths.setdefault(plan.template, [])
            self.position[plan.number] = (plan.template, len(paths))
            paths.append(plan.path)

    def candidates(self, template: str, excluded: Iterable[int]) -> list[str]:
        paths = list(self.paths.get(template, ()))
        cut = {
            self.position[number][1]
            for number in excluded
            if self.position.get(number, ("", 0))[0] == template
        }
        for index in sorted(cut, reverse=True):
            del paths[index]
        return paths


def _related_for(
    rng: random.Random, plan: ArticlePlan, pool: _RelatedPool, excluded: int = 0
) -> tuple[str, ...]:
    low, high = RELATED_COUNTS[plan.template]
    candidates = pool.candidates(plan.template, (plan.number, excluded))
    return tuple(rng.sample(candidates, rng.randint(low, high)))


def _choose_related(
    rng: random.Random, plans: list[ArticlePlan], removed: int
) -> dict[str, tuple[str, ...]]:
    """Related links within a template; the article edition 2 removes is never among them."""
    pool = _RelatedPool(plans)
    return {plan.path: _related_for(rng, plan, pool, removed) for plan in plans}


def _choose_most_read(
    rng: random.Random, plans: list[ArticlePlan], removed: int
) -> dict[str, tuple[str, ...]]:
    return {
        language: tuple(
            rng.sample(
                [p.path for p in plans if p.language == language and p.number != removed],
                MOST_READ_COUNT,
            )
        )
        for language in ("en", "zh")
    }


def _added_plan(seed: int, slots: list[Slot]) -> ArticlePlan:
    """Edition 2's new article: the newest on the site, at the end of its category's chain."""
    rng = random.Random(f"{seed}:added")
    category = next(c for c in CATEGORIES if c.slug == ADDED_CATEGORY)
    used = {slot.title for slot in slots}
    topics = _topics(category)
    combos = [
        (index, title_for(category, topic, pattern))
        for pattern in title_patterns(category)
        for index, topic in enumerate(topics)
    ]
    choices = [(index, title) for index, title in combos if title not in used]
    round_number = 1
    while not choices:
        round_number += 1
        numbered = [(index, f"{title} ({round_number})") for index, title in combos]
        choices = [(index, title) for index, title in numbered if title not in used]
    topic_index, title = rng.choice(choices)
    number = len(slots) + 1
    published = max(slot.published for slot in slots) + timedelta(days=1)
    path = f"/health/a-{number:03d}.html"
    return make_plan(rng, number, path, category, topics[topic_index], title, published)


def _reprint(seed: int, original: ArticlePlan) -> ArticlePlan:
    """A partner's copy: one sentence differs, own URL and canonical, no comments or chain."""
    changed = change_sentence(original, random.Random(f"{seed}:reprint:{original.number}"))
    return replace(
        changed,
        path=original.path.replace(".html", "-reprint.html"),
        reprint_of=original.path,
        comments=(),
        canonical=True,
    )


def _private_plans(seed: int) -> list[ArticlePlan]:
    plans = []
    for index, (path, pattern) in enumerate(PRIVATE_TITLES):
        rng = random.Random(f"{seed}:private:{index}")
        topic = rng.choice(banks_en.TOPICS)
        title = pattern.format(name=topic.name)
        plans.append(make_plan(rng, 900 + index, path, MEMBERS, topic, title, FIRST_PUBLISHED))
    return plans


def _truncated_plan(seed: int) -> ArticlePlan:
    rng = random.Random(f"{seed}:truncated")
    category = next(c for c in CATEGORIES if c.template == EN_OL)
    title = BROKEN[2][2]
    topic = rng.choice(banks_en.TOPICS)
    return make_plan(rng, 950, TRUNCATED_PATH, category, topic, title, FIRST_PUBLISHED)


def _assemble(
    seed: int,
    edition: int,
    plans: list[ArticlePlan],
    reprints: list[ArticlePlan],
    roles: Roles,
    related: dict[str, tuple[str, ...]],
    most_read: dict[str, tuple[str, ...]],
    originals: dict[int, ArticlePlan],
    added: ArticlePlan,
) -> DemoSite:
    """Render every page of one edition and derive its ground truth from the same plans."""
    private = _private_plans(seed)
    truncated = _truncated_plan(seed)
    pool = _RelatedPool(plan for plan in originals.values() if plan.number != roles.removed)
    for plan in (*private, truncated):
        related[plan.path] = _related_for(random.Random(f"{seed}:related:{plan.path}"), plan, pool)
    every = [*originals.values(), added, *reprints, *private, truncated]
    ctx = _context(plans, every, private, related, most_read, roles, originals)
    pages: dict[str, Page] = {}
    for plan in (*plans, *reprints, *private):
        pages[plan.path] = _dated(render_article(plan, ctx), plan)
    slow_path = originals[roles.slow].path
    pages[slow_path] = replace(pages[slow_path], delay=SLOW_DELAY)
    duplicates = _duplicates(roles, originals)
    current = {plan.path: plan for plan in plans}
    for duplicate, original in duplicates.items():
        is_print = duplicate.startswith("/print/")
        printed = _dated(render_print(current[original]), current[original])
        pages[duplicate] = printed if is_print else pages[original]
    not_found = render_not_found()
    pages.update(_broken_pages(seed, render_article(truncated, ctx), not_found))
    listings = _listing_pages(plans, ctx)
    pages.update(listings)
    pages["/"] = _home(plans, reprints, duplicates, ctx)
    pages["/sitemap.xml"] = render_sitemap(
        [(p.path, p.modified or p.published) for p in sorted([*plans, *reprints], key=_order)]
    )
    pages["/robots.txt"] = render_robots()
    truth = _truth(edition, plans, reprints, ctx, roles, originals, added, duplicates)
    truth["listings"] = ["/", *listings]
    return DemoSite(pages=pages, truth=truth, not_found=not_found)


def _dated(page: Page, plan: ArticlePlan) -> Page:
    """An article page with its ``Last-Modified`` header: when it was last edited."""
    stamp = (plan.modified or plan.published).replace(tzinfo=timezone.utc)
    return replace(page, headers=(*page.headers, ("Last-Modified", format_datetime(stamp, True))))


def _context(
    plans: list[ArticlePlan],
    every: list[ArticlePlan],
    private: list[ArticlePlan],
    related: dict[str, tuple[str, ...]],
    most_read: dict[str, tuple[str, ...]],
    roles: Roles,
    originals: dict[int, ArticlePlan],
) -> SiteContext:
    """What pages say about each other; chains come from this edition's articles only."""
    previous, following = {}, {}
    for chain in _chains(plans).values():
        for before, after in pairwise(chain):
            previous[after.path], following[before.path] = before.path, after.path
    return SiteContext(
        categories=CATEGORIES,
        titles={plan.path: plan.title for plan in every},
        teasers={plan.path: teaser(plan) for plan in every},
        dates={plan.path: plan.published for plan in every},
        previous=previous,
        next=following,
        related=related,
        most_read=most_read,
        printable=frozenset(originals[number].path for number in roles.printed),
        members_links={
            plan.path: private[plan.number % len(private)].path
            for plan in plans
            if plan.number % MEMBERS_LINK_EVERY == 0
        },
    )


def _home(
    plans: list[ArticlePlan],
    reprints: list[ArticlePlan],
    duplicates: dict[str, str],
    ctx: SiteContext,
) -> Page:
    newest = sorted(plans, key=lambda p: p.published, reverse=True)[:LATEST_ON_HOME]
    return render_home(
        ctx,
        HomeBlocks(
            latest=[(p.path, p.title) for p in newest],
            newsletter=[
                (key, ctx.titles[value]) for key, value in duplicates.items() if "?" in key
            ],
            reprints=[(p.path, p.title) for p in reprints],
            archive=[(path, label) for path, _, label in BROKEN],
        ),
    )


def _order(plan: ArticlePlan) -> tuple[int, str]:
    return plan.number, plan.path


def _duplicates(roles: Roles, originals: dict[int, ArticlePlan]) -> dict[str, str]:
    """Exact duplicates: tracking-parameter URLs and print views, each mapped to its original."""
    duplicates = {}
    for number, query in zip(roles.tracked, TRACKING_QUERIES, strict=True):
        path = originals[number].path
        duplicates[f"{path}?{query}"] = path
    for number in roles.printed:
        duplicates[print_path(originals[number].path)] = originals[number].path
    return duplicates


def _broken_pages(seed: int, truncated_full: Page, not_found: Page) -> dict[str, Page]:
    return {
        "/health/missing.html": not_found,
        "/health/error.html": render_server_error(),
        TRUNCATED_PATH: render_truncated(truncated_full),
        "/health/binary.html": render_binary(random.Random(f"{seed}:binary")),
        "/loop/a": render_redirect("/loop/b"),
        "/loop/b": render_redirect("/loop/a"),
    }


def _listing_pages(plans: list[ArticlePlan], ctx: SiteContext) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    for category in CATEGORIES:
        members = sorted(
            (p for p in plans if p.category == category), key=lambda p: p.published, reverse=True
        )
        entries = [
            ListingEntry(p.path, p.title, p.paragraph_text(0)[:EXCERPT_CHARS] + "…", p.published)
            for p in members
        ]
        pages.update(render_category(category, entries, ctx))
    return pages


def _advice_truth(plan: ArticlePlan) -> list[dict]:
    return [
        {"list_index": index, "number": number, "text": text}
        for index, block in enumerate(plan.advice)
        for number, text in zip(block.numbers, block.items, strict=True)
    ]


def _article_truth(plan: ArticlePlan, ctx: SiteContext, slow: str) -> dict:
    return {
        "path": plan.path,
        "template": plan.template,
        "language": plan.language,
        "encoding": plan.encoding,
        "title": plan.title,
        "category": plan.category.name,
        "advice": _advice_truth(plan),
        "prev": ctx.previous.get(plan.path),
        "next": ctx.next.get(plan.path),
        "related": list(ctx.related[plan.path]),
        "slow": plan.path == slow,
    }


def _truth(
    edition: int,
    plans: list[ArticlePlan],
    reprints: list[ArticlePlan],
    ctx: SiteContext,
    roles: Roles,
    originals: dict[int, ArticlePlan],
    added: ArticlePlan,
    duplicates: dict[str, str],
) -> dict:
    second = edition == 2
    return {
        "edition": edition,
        "articles": [
            _article_truth(plan, ctx, originals[roles.slow].path)
            for plan in sorted([*plans, *reprints], key=_order)
        ],
        "exact_duplicates": duplicates,
        "near_duplicate_groups": [[p.reprint_of, p.path] for p in reprints],
        "broken": [{"path": path, "reason": reason} for path, reason, _ in BROKEN],
        "disallowed": [path for path, _ in PRIVATE_TITLES],
        "listings": [],
        "removed": [originals[roles.removed].path] if second else [],
        "added": [added.path] if second else [],
        "edited": [originals[number].path for number in roles.edited] if second else [],
    }
