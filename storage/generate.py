"""A synthetic archive of N articles, for benchmarks and for trying commands at scale.

Crawling 200,000 real pages takes hours; benchmarks of export, search and the read commands
need the same table shapes and a realistic spread of values, not real pages. The generator
writes, through the archive's own tables (so triggers and indexes fill as in a crawl):

- the search rows of each article's current version, as the archive writer makes them, and
  the ranked lists of the common words;
- one finished crawl run, one fetch per article plus a share of failed fetches (404, timeout);
- English and Chinese articles over several sites, with categories and breadcrumbs;
- bodies drawn from a Zipf-distributed vocabulary, so there are common words (in most articles)
  and rare ones (in a handful), in both languages;
- advice items and sibling links per article, a second version for some articles, and
  ``-reprint`` near-duplicates clustered with their original as the canonical member.

The same ``n`` and ``seed`` always give the same archive.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from typing import Any, cast

from sqlalchemy import Engine, Table, func, insert, select, text, update

from storage import models as m
from storage.errors import ArchiveError
from storage.search_index import index_versions
from storage.search_lists import build_lists
from storage.tables import ADVICE_ITEMS, ARTICLES, FETCHES, LINKS, VERSIONS

RUNS = cast(Table, m.CrawlRun.__table__)
CLUSTERS = cast(Table, m.Cluster.__table__)

PARSER_VERSION = "synthetic"
BATCH = 2000
EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)

SITES = (
    ("https://health-en-1.example.com", "en"),
    ("https://health-en-2.example.com", "en"),
    ("https://wellness-en.example.org", "en"),
    ("https://jiankang-1.example.cn", "zh"),
    ("https://jiankang-2.example.cn", "zh"),
    ("https://yangsheng.example.cn", "zh"),
)
CATEGORIES = {
    "en": ("Sleep", "Nutrition", "Fitness", "Mental Health", "Skin Care", "Heart", "Digestion"),
    "zh": ("睡眠", "饮食营养", "运动健身", "心理健康", "皮肤护理", "心血管", "消化"),
}
HOME = {"en": "Home", "zh": "首页"}
ENGLISH_TEXT = (
    "sleep water muscle cramp stretch walk heart blood pressure sugar diet fiber protein "
    "vitamin mineral iron calcium magnesium potassium salt fat weight exercise rest stress "
    "anxiety mood headache migraine back pain neck shoulder knee joint skin acne eczema "
    "itch rash sun cream dry cold flu cough fever throat nose allergy pollen dust asthma "
    "breath lung stomach reflux acid bloating constipation bowel gut bacteria yogurt fruit "
    "vegetable grain bread rice tea coffee caffeine alcohol smoking habit routine morning "
    "evening night bed pillow screen light noise room temperature doctor nurse clinic test "
    "symptom sign cause risk factor treatment medicine dose tablet side effect daily week "
    "month year child adult elder woman man pregnancy body mind brain memory focus energy "
    "tired fatigue insomnia snoring nap posture desk chair phone eyes vision hearing teeth "
    "gums brushing floss hydration thirst kidney liver bone density vitamin-d omega oil nut "
    "seed bean lentil egg fish chicken meat cheese milk sweet snack meal breakfast lunch "
    "dinner portion plate hunger craving balance healthy habit tip advice avoid keep try"
)
CHINESE_TEXT = (
    "失眠 睡眠 健康 饮食 运动 喝水 肌肉 抽筋 拉伸 散步 心脏 血压 血糖 纤维 蛋白质 维生素 "
    "矿物质 补钙 补铁 盐分 脂肪 体重 锻炼 休息 压力 焦虑 情绪 头痛 偏头痛 腰痛 颈椎 肩膀 "
    "膝盖 关节 皮肤 痤疮 湿疹 瘙痒 防晒 干燥 感冒 咳嗽 发烧 喉咙 鼻塞 过敏 花粉 哮喘 呼吸 "
    "肺部 胃部 反酸 腹胀 便秘 肠道 细菌 酸奶 水果 蔬菜 谷物 米饭 喝茶 咖啡 饮酒 吸烟 习惯 "
    "作息 早晨 晚上 枕头 屏幕 灯光 噪音 温度 医生 护士 检查 症状 原因 风险 治疗 药物 剂量 "
    "副作用 每天 每周 儿童 成人 老人 孕妇 大脑 记忆 注意力 精力 疲劳 打鼾 午睡 姿势 手机 "
    "眼睛 视力 听力 牙齿 牙龈 刷牙 补水 口渴 肾脏 肝脏 骨骼 坚果 鸡蛋 鱼肉 牛奶 零食 早餐 "
    "午餐 晚餐 饥饿 平衡 建议 避免 保持 注意 适量 规律 放松 按摩 热敷 冷敷 中医 养生"
)
ENGLISH_WORDS = ENGLISH_TEXT.split()
CHINESE_WORDS = CHINESE_TEXT.split()
SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "vos", "zel", "dra", "fin", "go", "hup", "sil")
CHINESE_RARE = "瑷瑸璁璆璘璟璠璩璪璬璮璱璲璵璹璻"
RARE_WORDS = 4000
"""Made-up words in the vocabulary's long tail: each appears in only a few articles."""
FAILED_FETCH_EVERY = 20
REPRINT_EVERY = 50
SECOND_VERSION_EVERY = 10


@dataclass(frozen=True)
class GenerateResult:
    articles: int
    versions: int
    advice_items: int
    links: int
    fetches: int
    clusters: int


class _Vocabulary:
    """Words with Zipf weights: a few very common, a long tail of rare made-up ones."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.cum_weights = list(accumulate(1.0 / rank for rank in range(1, len(words) + 1)))

    def pick(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=k)


def _vocabularies(rng: random.Random) -> dict[str, _Vocabulary]:
    english = list(dict.fromkeys(ENGLISH_WORDS))
    chinese = list(dict.fromkeys(CHINESE_WORDS))
    made_up = sorted({"".join(rng.choices(SYLLABLES, k=3)) for _ in range(RARE_WORDS * 2)})
    rare_zh = sorted({"".join(rng.choices(CHINESE_RARE, k=2)) for _ in range(RARE_WORDS)})
    return {
        "en": _Vocabulary(english + made_up[:RARE_WORDS]),
        "zh": _Vocabulary(chinese + rare_zh),
    }


def generate_archive(
    engine: Engine,
    n: int,
    *,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> GenerateResult:
    """Fill an empty archive with ``n`` synthetic articles; ``progress`` gets each batch size."""
    if n < 1:
        raise ArchiveError("the number of articles must be at least 1")
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(ARTICLES)):
            raise ArchiveError(f"{engine.url} already holds articles: generate into a new archive")
    rng = random.Random(seed)
    vocab = _vocabularies(rng)
    totals = dict.fromkeys(("articles", "versions", "advice_items", "links", "fetches"), 0)
    with engine.begin() as conn:
        run_id = conn.execute(
            insert(RUNS).returning(RUNS.c.id),
            {
                "spider": "synthetic",
                "started_at": EPOCH,
                "finished_at": EPOCH + timedelta(hours=max(1, n // 10_000)),
                "status": "finished",
                "resumed_from": None,
                "start_urls": [f"{site}/" for site, _ in SITES],
                "stats": {},
            },
        ).scalar_one()
    clusters = 0
    next_id = index = 1
    while next_id <= n:
        rows = _Batch()
        while len(rows.articles) < BATCH and next_id <= n:
            next_id = _article(rows, rng, vocab, index, next_id, run_id, room=n - next_id + 1)
            index += 1
        with engine.begin() as conn:
            conn.execute(insert(FETCHES), rows.fetches)
            conn.execute(insert(ARTICLES), rows.articles)
            conn.execute(insert(VERSIONS), rows.versions)
            index_versions(conn, _current_texts(rows.versions))
            if rows.advice:
                conn.execute(insert(ADVICE_ITEMS), rows.advice)
            if rows.links:
                conn.execute(insert(LINKS), rows.links)
            for original, reprint in rows.reprints:
                cluster_id = conn.execute(
                    insert(CLUSTERS).returning(CLUSTERS.c.id), {"canonical_article_id": original}
                ).scalar_one()
                conn.execute(
                    update(ARTICLES)
                    .where(ARTICLES.c.id.in_([original, reprint]))
                    .values(cluster_id=cluster_id)
                )
                clusters += 1
        totals["articles"] += len(rows.articles)
        totals["versions"] += len(rows.versions)
        totals["advice_items"] += len(rows.advice)
        totals["links"] += len(rows.links)
        totals["fetches"] += len(rows.fetches)
        if progress:
            progress(len(rows.articles))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Ids were assigned here (advice and links point at versions without a round
            # trip): move the sequences past them so a later crawl can insert.
            for table in (ARTICLES, VERSIONS):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )
        # Written without lists (no word was common yet): build them over the whole archive.
        build_lists(conn)
        conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id)
            .values(
                stats={
                    "downloader/response_count": totals["fetches"],
                    "healtharchive/archive/new_versions": totals["versions"],
                    "item_scraped_count": totals["articles"],
                }
            )
        )
    return GenerateResult(clusters=clusters, **totals)


def _current_texts(versions: list[dict[str, Any]]) -> list[tuple[int, int, str, str]]:
    """(article id, version id, headline, body) of each article's newest version."""
    newest: dict[int, dict[str, Any]] = {}
    for row in versions:
        kept = newest.get(row["article_id"])
        if kept is None or row["version"] > kept["version"]:
            newest[row["article_id"]] = row
    return [(r["article_id"], r["id"], r["headline"], r["body"]) for r in newest.values()]


@dataclass
class _Batch:
    fetches: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    advice: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    reprints: list[tuple[int, int]] = field(default_factory=list)


def _article(
    rows: _Batch,
    rng: random.Random,
    vocab: dict[str, _Vocabulary],
    index: int,
    article_id: int,
    run_id: int,
    room: int,
) -> int:
    """Append one article (and maybe its failed fetch, second version, reprint); next free id.

    ``room`` is how many articles may still be added, so the archive holds exactly N.
    """
    site, language = SITES[index % len(SITES)]
    words = vocab[language]
    joiner = " " if language == "en" else ""
    seen = EPOCH + timedelta(seconds=index * 7)
    headline = _sentence(rng, words, 6, joiner).rstrip(".。")
    slug = f"a-{index:07d}"
    url = f"{site}/articles/{slug}.html"
    category = CATEGORIES[language][index % len(CATEGORIES[language])]
    if index % FAILED_FETCH_EVERY == 0:
        failed = rng.choice(((404, None), (None, "timeout"), (500, None), (None, "dns")))
        missing = f"{site}/articles/missing-{index:07d}.html"
        rows.fetches.append(_fetch(f"m{index:09d}", missing, run_id, seen, *failed))
    body = "\n".join(
        _sentence(rng, words, rng.randint(25, 45), joiner) for _ in range(rng.randint(3, 6))
    )
    advice = [_sentence(rng, words, rng.randint(5, 10), joiner) for _ in range(rng.randint(0, 6))]
    versions = 2 if index % SECOND_VERSION_EVERY == 0 else 1
    copies = [(url, False)]
    if index % REPRINT_EVERY == 0 and room >= 2:
        copies.append((f"{site}/articles/{slug}-reprint.html", True))
    original_id = article_id
    for copy_url, reprint in copies:
        for version in range(1, versions + 1):
            if version == 2:
                body = body + "\n" + _sentence(rng, words, 20, joiner)
                advice = [*advice[:-1], _sentence(rng, words, 8, joiner)] if advice else advice
            key = f"s{article_id:09d}v{version}"
            rows.fetches.append(_fetch(key, copy_url, run_id, seen, 200, None))
            version_id = article_id * 2 + version
            rows.versions.append(
                {
                    "id": version_id,
                    "article_id": article_id,
                    "version": version,
                    "content_hash": f"{article_id:032x}{version:032x}",
                    "fetch_id": None,
                    "crawl_run_id": run_id,
                    "created_at": seen + timedelta(days=version - 1),
                    "parser_version": PARSER_VERSION,
                    "url": copy_url,
                    "headline": headline,
                    "body": body,
                    "language": language,
                    "encoding": "utf-8",
                    "date_published": (seen - timedelta(days=30)).isoformat(),
                    "date_modified": (seen + timedelta(days=version - 1)).isoformat(),
                    "authors": [f"Author {index % 97}"],
                    "breadcrumbs": [HOME[language], category, headline],
                    "category": category,
                    "description": _sentence(rng, words, 12, joiner),
                    "medically_reviewed_by": [],
                    "last_reviewed": None,
                }
            )
            rows.advice += [
                {
                    "version_id": version_id,
                    "position": position,
                    "list_index": 0,
                    "printed_number": position + 1,
                    "marker": f"{position + 1}.",
                    "text": text,
                    "explanation": "",
                    "parser_version": PARSER_VERSION,
                }
                for position, text in enumerate(advice)
            ]
            rows.links += [
                {
                    "version_id": version_id,
                    "kind": kind,
                    "position": 0,
                    "url": f"{site}/articles/a-{max(0, index + step):07d}.html",
                    "text": headline,
                    "title": "",
                    "parser_version": PARSER_VERSION,
                }
                for kind, step in (("previous", -len(SITES)), ("next", len(SITES)))
            ]
        rows.articles.append(
            {
                "id": article_id,
                "canonical_url": copy_url,
                "first_seen": seen + timedelta(hours=6 if reprint else 0),
                "last_seen": seen + timedelta(days=versions - 1),
                "current_version": versions,
                "content_hash": f"{article_id:032x}{versions:032x}",
                "status": "live",
                "cluster_id": None,
                "has_canonical_link": not reprint,
            }
        )
        if reprint:
            rows.reprints.append((original_id, article_id))
        article_id += 1
    return article_id


def _fetch(
    key: str, url: str, run_id: int, when: datetime, status: int | None, error: str | None
) -> dict[str, Any]:
    return {
        "key": key,
        "crawl_run_id": run_id,
        "url": url,
        "final_url": url,
        "status": status,
        "error": error,
        "content_type": "text/html; charset=utf-8" if status == 200 else None,
        "etag": None,
        "last_modified": None,
        "fetched_at": when,
        "blob_sha256": None,
    }


def _sentence(rng: random.Random, words: _Vocabulary, count: int, joiner: str) -> str:
    picked = words.pick(rng, count)
    text = joiner.join(picked)
    return text[:1].upper() + text[1:] + ("." if joiner else "。")
