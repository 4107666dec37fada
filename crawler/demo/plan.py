"""What each demo article says, decided before any HTML is written.

A plan is pure data (text, numbering, dates, presentation choices), so the ground truth is read
from the same object the templates render and can never drift from the page. Every choice comes
from the ``random.Random`` handed in, which keeps builds byte-for-byte reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from crawler.demo import banks_en, banks_zh
from crawler.demo.banks_en import Topic

SAMPLE = "sample"
EN_OL = "en-ol"
ZH_GBK = "zh-gbk"

INLINE = "inline"
OL = "ol"
PARA = "para"
HEADING = "heading"
ZH_DUN = "zh-dun"
ZH_PAREN = "zh-paren"
ZH_HEADING = "zh-heading"

CHARSET_HEADER_AND_META = "header+meta"
CHARSET_META_ONLY = "meta"
CHARSET_NONE = "none"


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    template: str

    @property
    def language(self) -> str:
        return "zh" if self.template == ZH_GBK else "en"


CATEGORIES = (
    Category("conditions", "Conditions", SAMPLE),
    Category("daily-care", "Daily Care", SAMPLE),
    Category("nutrition", "Nutrition", EN_OL),
    Category("fitness", "Fitness", EN_OL),
    Category("yangsheng", "养生保健", ZH_GBK),
    Category("jibing", "疾病常识", ZH_GBK),
)


@dataclass(frozen=True)
class AdviceBlock:
    """One numbered list as the reader sees it; ``items`` are the texts without markers."""

    style: str
    numbers: tuple[int, ...]
    items: tuple[str, ...]
    explanations: tuple[str, ...] = ()
    lead: str = ""
    """Prose opening the list (for inline lists, the same paragraph)."""
    tail: str = ""
    """Inline lists only: prose after the last item, always starting a new sentence."""
    marker: str = "."
    after: int = 0
    """Index of the prose paragraph the list follows."""


@dataclass(frozen=True)
class Comment:
    author: str
    date: str
    text: str


@dataclass(frozen=True)
class ArticlePlan:
    number: int
    path: str
    category: Category
    topic: Topic
    title: str
    author: str
    published: datetime
    paragraphs: tuple[tuple[str, ...], ...]
    advice: tuple[AdviceBlock, ...] = ()
    bullets: tuple[str, ...] = ()
    bullet_lead: str = ""
    references: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    ads: tuple[str, ...] = ()
    html_lang: str = "en"
    charset_mode: str = CHARSET_HEADER_AND_META
    canonical: bool = True
    ld_type: str = ""
    reviewer: str = ""
    modified: datetime | None = None
    reprint_of: str | None = None

    @property
    def template(self) -> str:
        return self.category.template

    @property
    def language(self) -> str:
        return self.category.language

    @property
    def encoding(self) -> str:
        return "gbk" if self.template == ZH_GBK else "utf-8"

    def paragraph_text(self, index: int) -> str:
        joiner = "" if self.language == "zh" else " "
        return joiner.join(self.paragraphs[index])


def make_plan(
    rng: random.Random,
    number: int,
    path: str,
    category: Category,
    topic: Topic,
    title: str,
    published: datetime,
) -> ArticlePlan:
    """Write one article; the category's template decides language and list forms."""
    if category.language == "zh":
        return _chinese_plan(rng, number, path, category, topic, title, published)
    return _english_plan(rng, number, path, category, topic, title, published)


def title_for(category: Category, topic: Topic, pattern: str) -> str:
    name = topic.name
    if pattern.startswith("{name}"):
        name = name[:1].upper() + name[1:]
    return pattern.format(name=name)


def title_patterns(category: Category) -> tuple[str, ...]:
    banks = banks_zh if category.language == "zh" else banks_en
    return banks.TITLE_PATTERNS[category.slug]


def _slots(rng: random.Random, topic: Topic) -> dict[str, str]:
    causes = rng.sample(topic.causes, 3)
    symptoms = rng.sample(topic.symptoms, 2)
    return {
        "name": topic.name,
        "Name": topic.name[:1].upper() + topic.name[1:],
        "area": topic.area,
        "cause": causes[0],
        "cause2": causes[1],
        "cause3": causes[2],
        "symptom": symptoms[0],
        "symptom2": symptoms[1],
    }


def _pick(
    rng: random.Random, pool: tuple[str, ...], count: int, slots: dict[str, str]
) -> tuple[str, ...]:
    """``count`` different sentences, each naming a different cause and symptom first."""
    return tuple(
        sentence.format(**_rotated(slots, shift))
        for shift, sentence in enumerate(rng.sample(pool, count))
    )


def _rotated(slots: dict[str, str], shift: int) -> dict[str, str]:
    causes = [slots["cause"], slots["cause2"], slots["cause3"]]
    causes = causes[shift % 3 :] + causes[: shift % 3]
    symptoms = [slots["symptom"], slots["symptom2"]][:: -1 if shift % 2 else 1]
    return {
        **slots,
        "cause": causes[0],
        "cause2": causes[1],
        "cause3": causes[2],
        "symptom": symptoms[0],
        "symptom2": symptoms[1],
    }


def _numbering(rng: random.Random, count: int, gap_chance: float) -> tuple[int, ...]:
    """Consecutive numbers, or with one jump (1, 2, 3, 6, 7, 8) as edited pages often show."""
    if count < 4 or rng.random() >= gap_chance:
        return tuple(range(1, count + 1))
    cut = rng.randint(2, count - 2)
    jump = rng.randint(1, 3)
    return tuple(range(1, cut + 1)) + tuple(range(cut + 1 + jump, count + 1 + jump))


def _items(
    rng: random.Random, bank: tuple[str, ...], follow_ups: tuple[str, ...], count: int, joiner: str
) -> tuple[str, ...]:
    """Advice texts; some non-final items carry a second sentence, as real lists do."""
    chosen = rng.sample(bank, count)
    extras = rng.sample(follow_ups, len(follow_ups))
    items = []
    for position, item in enumerate(chosen):
        if position < count - 1 and extras and rng.random() < 0.25:
            item = joiner.join((item, extras.pop()))
        items.append(item)
    return tuple(items)


def _comments(
    rng: random.Random, published: datetime, authors: tuple[str, ...], texts: tuple[str, ...]
) -> tuple[Comment, ...]:
    count = rng.randint(1, 3)
    dates = sorted(rng.randint(1, 40) for _ in range(count))
    return tuple(
        Comment(author, (published + timedelta(days=day, hours=3)).strftime("%Y-%m-%d %H:%M"), text)
        for author, text, day in zip(
            rng.sample(authors, count), rng.sample(texts, count), dates, strict=True
        )
    )


def _english_paragraphs(
    rng: random.Random, slots: dict[str, str], treatments: tuple[str, ...]
) -> list[tuple[str, ...]]:
    b = banks_en
    opening = _pick(rng, b.INTROS, 1, slots) + _pick(rng, b.FOLLOW_INTROS, 1, slots)
    causes = _pick(rng, b.CAUSES, rng.randint(2, 3), slots) + _pick(rng, b.BACKGROUND, 1, slots)
    symptoms = _pick(rng, b.SYMPTOMS, 2, slots) + treatments[:1]
    closing = _pick(rng, b.CLOSINGS, rng.randint(2, 3), slots)
    return [opening, causes, symptoms, closing]


def _english_plan(
    rng: random.Random,
    number: int,
    path: str,
    category: Category,
    topic: Topic,
    title: str,
    published: datetime,
) -> ArticlePlan:
    slots = _slots(rng, topic)
    treatments = _pick(rng, banks_en.TREATMENTS, 3, slots)
    paragraphs = _english_paragraphs(rng, slots, treatments)
    common: dict[str, Any] = {
        "number": number,
        "path": path,
        "category": category,
        "topic": topic,
        "title": title,
        "author": rng.choice(banks_en.AUTHORS),
        "published": published,
        "comments": _comments(rng, published, banks_en.COMMENTERS, banks_en.COMMENTS),
        "ads": tuple(rng.sample(banks_en.ADS, 2)),
    }
    if category.template == SAMPLE:
        advice = _inline_advice(rng, slots, treatments[1:])
        extra: dict[str, Any] = {"html_lang": "en", "canonical": rng.random() < 0.3}
    else:
        advice = _en_ol_advice(rng, slots)
        ld_type = rng.choice(("NewsArticle", "MedicalWebPage"))
        extra = {
            "bullets": tuple(rng.sample(banks_en.WARNING_SIGNS, 3)) if rng.random() < 0.3 else (),
            "bullet_lead": rng.choice(banks_en.BULLET_LEADS),
            "references": (
                tuple(rng.sample(banks_en.REFERENCES, 3)) if rng.random() < 0.25 else ()
            ),
            "html_lang": rng.choice(("en", "en-US", "en-GB")),
            "ld_type": ld_type,
            "reviewer": rng.choice(banks_en.REVIEWERS) if ld_type == "MedicalWebPage" else "",
        }
    if not advice:
        paragraphs.insert(3, treatments[1:])
    return ArticlePlan(paragraphs=tuple(paragraphs), advice=advice, **common, **extra)


def _inline_advice(
    rng: random.Random, slots: dict[str, str], before: tuple[str, ...]
) -> tuple[AdviceBlock, ...]:
    """The sample page's form: prose, a lead, numbered items and more prose in one paragraph."""
    if rng.random() < 0.2:
        return ()
    count = rng.randint(5, 8)
    items = _items(rng, banks_en.ADVICE, banks_en.ADVICE_FOLLOW_UPS, count, " ")
    lead = " ".join((*before[: rng.randint(1, 2)], _pick(rng, banks_en.LEADS, 1, slots)[0]))
    tail = " ".join(_pick(rng, banks_en.AFTER_LIST, rng.randint(1, 2), slots))
    return (
        AdviceBlock(INLINE, _numbering(rng, count, 0.45), items, lead=lead, tail=tail, after=2),
    )


def _en_ol_advice(rng: random.Random, slots: dict[str, str]) -> tuple[AdviceBlock, ...]:
    """Lists as ``<ol>``, one ``<p>`` per item, or numbered headings; sometimes two or none."""
    roll = rng.random()
    lead = _pick(rng, banks_en.LEADS, 1, slots)[0]
    if roll < 0.15:
        return ()
    if roll < 0.45:
        return (_ol_block(rng, lead, after=2),)
    if roll < 0.75:
        return (_para_block(rng, lead, after=2),)
    if roll < 0.9:
        return (_heading_block(rng, lead, after=2),)
    second_lead = "If the problem does not settle, these steps are also worth taking:"
    return (_ol_block(rng, lead, after=1), _para_block(rng, second_lead, after=3))


def _ol_block(rng: random.Random, lead: str, after: int) -> AdviceBlock:
    count = rng.randint(4, 7)
    items = _items(rng, banks_en.ADVICE, banks_en.ADVICE_FOLLOW_UPS, count, " ")
    return AdviceBlock(OL, tuple(range(1, count + 1)), items, lead=lead, after=after)


def _para_block(rng: random.Random, lead: str, after: int) -> AdviceBlock:
    count = rng.randint(4, 7)
    items = _items(rng, banks_en.ADVICE, banks_en.ADVICE_FOLLOW_UPS, count, " ")
    return AdviceBlock(
        PARA,
        _numbering(rng, count, 0.4),
        items,
        lead=lead,
        marker=rng.choice((".", ".", ")")),
        after=after,
    )


def _heading_block(rng: random.Random, lead: str, after: int) -> AdviceBlock:
    count = rng.randint(3, 5)
    pairs = rng.sample(banks_en.HEADINGS, count)
    return AdviceBlock(
        HEADING,
        tuple(range(1, count + 1)),
        tuple(heading for heading, _ in pairs),
        explanations=tuple(text for _, text in pairs),
        lead=lead,
        marker=rng.choice((".", ")")),
        after=after,
    )


def _chinese_plan(
    rng: random.Random,
    number: int,
    path: str,
    category: Category,
    topic: Topic,
    title: str,
    published: datetime,
) -> ArticlePlan:
    b = banks_zh
    slots = _slots(rng, topic)
    paragraphs = (
        _pick(rng, b.INTROS, 1, slots) + _pick(rng, b.FOLLOW_INTROS, 1, slots),
        _pick(rng, b.CAUSES, rng.randint(2, 3), slots) + _pick(rng, b.BACKGROUND, 1, slots),
        _pick(rng, b.SYMPTOMS, 2, slots) + _pick(rng, b.TREATMENTS, 1, slots),
        _pick(rng, b.CLOSINGS, 2, slots),
    )
    mode_roll = rng.random()
    if mode_roll < 0.6:
        charset_mode = CHARSET_HEADER_AND_META
    elif mode_roll < 0.85:
        charset_mode = CHARSET_META_ONLY
    else:
        charset_mode = CHARSET_NONE
    return ArticlePlan(
        number=number,
        path=path,
        category=category,
        topic=topic,
        title=title,
        author=rng.choice(b.AUTHORS),
        published=published,
        paragraphs=paragraphs,
        advice=_chinese_advice(rng, slots),
        comments=_comments(rng, published, b.COMMENTERS, b.COMMENTS),
        ads=tuple(rng.sample(b.ADS, 2)),
        html_lang="zh-CN",
        charset_mode=charset_mode,
        canonical=rng.random() < 0.5,
    )


def _chinese_advice(rng: random.Random, slots: dict[str, str]) -> tuple[AdviceBlock, ...]:
    """``1、…`` or ``（1）…`` one per paragraph, or bold numbered headings; some pages have none."""
    roll = rng.random()
    lead = _pick(rng, banks_zh.LEADS, 1, slots)[0]
    if roll < 0.2:
        return ()
    if roll < 0.88:
        count = rng.randint(4, 7)
        items = _items(rng, banks_zh.ADVICE, banks_zh.ADVICE_FOLLOW_UPS, count, "")
        style = ZH_DUN if roll < 0.55 else ZH_PAREN
        return (AdviceBlock(style, _numbering(rng, count, 0.15), items, lead=lead, after=2),)
    count = rng.randint(3, 5)
    pairs = rng.sample(banks_zh.HEADINGS, count)
    return (
        AdviceBlock(
            ZH_HEADING,
            tuple(range(1, count + 1)),
            tuple(heading for heading, _ in pairs),
            explanations=tuple(text for _, text in pairs),
            lead=lead,
            marker=rng.choice((".", "、")),
            after=2,
        ),
    )


def revise(plan: ArticlePlan, rng: random.Random, modified: datetime) -> ArticlePlan:
    """The second edition's edit: one prose sentence and one advice item rewritten."""
    edited = change_sentence(plan, rng)
    block = edited.advice[0]
    banks = banks_zh if plan.language == "zh" else banks_en
    position = rng.randrange(len(block.items))
    items = list(block.items)
    explanations = list(block.explanations)
    if block.explanations:
        unused = [pair for pair in banks.HEADINGS if pair[0] not in block.items]
        items[position], explanations[position] = rng.choice(unused)
    else:
        unused = [a for a in banks.ADVICE if not any(item.startswith(a) for item in block.items)]
        items[position] = rng.choice(unused)
    new_block = replace(block, items=tuple(items), explanations=tuple(explanations))
    return replace(edited, advice=(new_block, *edited.advice[1:]), modified=modified)


def change_sentence(plan: ArticlePlan, rng: random.Random) -> ArticlePlan:
    """Swap one sentence past the opening, so teasers quoting the start stay identical."""
    banks = banks_zh if plan.language == "zh" else banks_en
    paragraph = rng.randrange(1, len(plan.paragraphs))
    sentences = list(plan.paragraphs[paragraph])
    sentences[rng.randrange(len(sentences))] = rng.choice(banks.REVISIONS)
    paragraphs = list(plan.paragraphs)
    paragraphs[paragraph] = tuple(sentences)
    return replace(plan, paragraphs=tuple(paragraphs))
