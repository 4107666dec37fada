"""Decoding: declarations that lie or disagree, missing declarations, BOMs, binary bodies."""

from __future__ import annotations

import codecs
import subprocess
import sys

import pytest

from crawler.parsers.document import MAX_PARSE_BYTES, load_document
from crawler.parsers.errors import NotHtml

URL = "https://health.example.com/a/1.html"
CHINESE = "上一篇：夏天如何预防中暑？多喝水，避开高温时段外出，注意休息。"
TRADITIONAL = "夏天如何預防中暑？多喝水，避開高溫時段外出，注意休息。"
JAPANESE = "熱中症を防ぐには、こまめに水分を補給し、暑い時間帯の外出を避けましょう。"
FRENCH = "Café, crème brûlée et « naïveté » : l’été – 20 € – c’est ça."


def page(text: str, head: str = "") -> str:
    return f"<html><head>{head}<title>t</title></head><body><p>{text}</p></body></html>"


def body_text(html: bytes, headers: dict[str, str] | None = None) -> tuple[str, str]:
    doc = load_document(html, URL, headers)
    return doc.tree.findtext(".//p"), doc.encoding


CASES = {
    "gbk_without_declaration": (page(CHINESE).encode("gbk"), None, CHINESE, "gb18030"),
    "meta_gb2312_but_utf8_bytes": (
        page(CHINESE, '<meta charset="gb2312">').encode("utf-8"),
        None,
        CHINESE,
        "utf-8",
    ),
    "meta_gbk_http_equiv": (
        page(CHINESE, '<meta http-equiv="Content-Type" content="text/html; charset=GBK">').encode(
            "gbk"
        ),
        None,
        CHINESE,
        "gb18030",
    ),
    "header_latin1_meta_gbk": (
        page(CHINESE, '<meta charset="gbk">').encode("gbk"),
        {"Content-Type": "text/html; charset=ISO-8859-1"},
        CHINESE,
        "gb18030",
    ),
    "header_latin1_gbk_bytes_no_meta": (
        page(CHINESE).encode("gbk"),
        {"Content-Type": "text/html; charset=ISO-8859-1"},
        CHINESE,
        "gb18030",
    ),
    "header_utf8_meta_gbk_utf8_bytes": (
        page(CHINESE, '<meta charset="gbk">').encode("utf-8"),
        {"content-type": "text/html;charset=utf-8"},
        CHINESE,
        "utf-8",
    ),
    "utf8_bom": (codecs.BOM_UTF8 + page(CHINESE).encode("utf-8"), None, CHINESE, "utf-8"),
    "utf16_bom": (
        codecs.BOM_UTF16_LE + page(CHINESE).encode("utf-16-le"),
        None,
        CHINESE,
        "utf-16-le",
    ),
    "latin1_declared_cp1252_bytes": (
        page(FRENCH, '<meta charset="iso-8859-1">').encode("cp1252"),
        None,
        FRENCH,
        "cp1252",
    ),
    "big5": (
        page(TRADITIONAL, '<meta charset="big5">').encode("big5"),
        None,
        TRADITIONAL,
        "big5hkscs",
    ),
    "shift_jis": (
        page(JAPANESE, '<meta charset="Shift_JIS">').encode("shift_jis"),
        None,
        JAPANESE,
        "cp932",
    ),
    "shift_jis_in_header_only": (
        page(JAPANESE).encode("shift_jis"),
        {"Content-Type": "text/html; charset=shift_jis"},
        JAPANESE,
        "cp932",
    ),
    "utf8_without_declaration": (page(CHINESE).encode("utf-8"), None, CHINESE, "utf-8"),
    "utf8_encoded_twice": (
        page(FRENCH, '<meta charset="utf-8">').encode("utf-8").decode("latin-1").encode("utf-8"),
        None,
        FRENCH,
        "utf-8",
    ),
    "latin1_pairs_without_evidence_kept": (
        page("Ã© stays: no control character says it was mangled").encode("utf-8"),
        None,
        "Ã© stays: no control character says it was mangled",
        "utf-8",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_decodes_without_mojibake(case: str) -> None:
    html, headers, expected_text, expected_encoding = CASES[case]
    assert body_text(html, headers) == (expected_text, expected_encoding)


def test_utf8_cut_inside_a_character_still_decodes() -> None:
    html = page(CHINESE).encode("utf-8")
    cut = html[: html.index("夏".encode()) + 2]
    doc = load_document(cut, URL, None)
    assert doc.encoding == "utf-8"
    assert doc.tree.findtext(".//p") == "上一篇："


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200), "JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "gzip stream"),
        (b"<html>\x00\x01\x02\x03" * 50, "NUL bytes"),
        (b"<p>" + bytes(range(1, 9)) * 200, "undecodable body"),
        (b"   \n\t ", "empty body"),
        (b"just some words without any markup at all", "no markup"),
    ],
)
def test_binary_or_empty_body_is_not_html(body: bytes, reason: str) -> None:
    with pytest.raises(NotHtml, match=reason) as raised:
        load_document(body, URL, {"Content-Type": "text/html"})
    assert raised.value.reason == "not_html"


def test_huge_page_is_cut_not_failed() -> None:
    paragraph = "<p>" + "Drink water and rest in the shade during a heat wave. " * 20 + "</p>"
    html = ("<html><body>" + paragraph * (MAX_PARSE_BYTES // len(paragraph) + 50)).encode()
    doc = load_document(html, URL, None)
    assert doc.truncated
    assert len(doc.tree.findall(".//p")) <= MAX_PARSE_BYTES // len(paragraph) + 1
    assert doc.tree.findtext(".//p").startswith("Drink water")


def test_broken_markup_still_parses() -> None:
    html = b"<html><body><div><p>First paragraph<p>Second <b>bold <i>text</div></body"
    doc = load_document(html, URL, None)
    assert [p.text_content() for p in doc.tree.iter("p")] == ["First paragraph", "Second bold text"]


def test_xml_declaration_and_control_characters_are_tolerated() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>a\x0bb</p></body></html>'
    doc = load_document(html.encode(), URL, None)
    assert doc.tree.findtext(".//p") == "ab"


def test_streamed_segments_take_their_slots() -> None:
    html = (
        b'<html><body><div id="main"><p>Intro</p><!--$?--><template id="B:0"></template>'
        b"<div>Loading...</div><!--/$--><p>Outro</p></div>"
        b'<div hidden id="S:0"><p>Streamed body</p><template id="P:1"></template></div>'
        b'<div hidden id="S:1"><p>Nested part</p></div></body></html>'
    )
    doc = load_document(html, URL, None)
    main = doc.tree.get_element_by_id("main")
    assert [p.text for p in main.iter("p")] == ["Intro", "Streamed body", "Nested part", "Outro"]
    assert "Loading" not in main.text_content()
    assert not doc.tree.xpath("//div[@hidden]")


def test_markup_after_an_early_closing_html_tag_joins_the_body() -> None:
    html = (
        b"<html><head><title>t</title></head><body><header>Site name</header></body></html>"
        b'<div class="post"><p>Article body</p></div><footer>Contact</footer></body></html>'
    )
    doc = load_document(html, URL, None)
    body = doc.tree.find("body")
    assert [child.tag for child in body] == ["header", "div", "footer"]
    assert body.findtext(".//p") == "Article body"


@pytest.mark.parametrize(
    ("body", "detector_loaded"),
    [
        (page(FRENCH, '<meta charset="utf-8">').encode("utf-8"), False),
        (page(CHINESE).encode("gbk"), True),
    ],
    ids=["declared", "undeclared_gbk"],
)
def test_charset_detector_is_imported_only_for_a_page_that_needs_it(
    body: bytes, detector_loaded: bool
) -> None:
    script = (
        "import sys\n"
        "from crawler.parsers.document import load_document\n"
        f"load_document({body!r}, {URL!r})\n"
        "print('charset_normalizer' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(detector_loaded)
