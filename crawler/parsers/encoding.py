"""Turn fetched bytes into text the way a browser would, without trusting declarations blindly.

Real pages lie about their charset: a ``<meta charset=gb2312>`` left over on a page re-saved as
UTF-8, a server that stamps ``ISO-8859-1`` on everything, or no declaration at all. Strict
decoding is the cheap lie detector: UTF-8 and the multi-byte CJK encodings almost never decode
foreign bytes without error, so a strict success is strong evidence. The statistical sniffer is
slow and is only asked when every cheap test failed.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

from crawler.parsers.errors import NotHtml

META_SCAN_BYTES = 8192
"""Declarations later than this are ignored, as browsers do (they scan the first 1024 bytes)."""
SNIFF_SAMPLE_BYTES = 65536
"""The sniffer's cost grows with input; a sample this size is enough to tell CJK encodings apart."""
BINARY_SCAN_BYTES = 2048
MAX_REPLACEMENT_SHARE = 0.05
"""Above this share of undecodable characters (or NUL bytes) the body is garbage or binary, not a
page with a few typos; below it, a page declared UTF-8 is decoded with replacement characters."""

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip stream"),
    (b"BM", "BMP image"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"\x00asm", "WebAssembly module"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)
RIFF_MAGIC = b"RIFF"
ISO_MEDIA_BRAND = b"ftyp"

CHARSET_PARAM_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
META_TAG_RE = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
TEXT_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

LABEL_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "unicode": "utf-8",
}
"""Labels mapped as the WHATWG Encoding standard does: each to the superset browsers decode with."""

SINGLE_BYTE_PREFIXES = ("cp125", "cp874", "iso8859", "koi8", "mac", "latin", "cp437", "cp850")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """Python codec name actually used, e.g. ``utf-8``, ``gb18030``, ``cp1252``."""


C1_CONTROL_RE = re.compile("[\x80-\x9f]")
C1_IN_UTF8_RE = re.compile(rb"\xc2[\x80-\x9f]")
"""A C1 control character in UTF-8 bytes: scanning the bytes is twenty times cheaper than the
decoded text, and text a second UTF-8 encoding mangled always has one."""
MOJIBAKE_RE = re.compile(
    "(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})+"
)
"""Latin-1 readings of UTF-8 sequences: a lead byte's character, then continuation ones."""
BAD_CHARACTER_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
"""Replacement characters and control characters other than tab, newline, CR and form feed:
what a wrong decoding or a binary body leaves behind."""


def decode_html(body: bytes, headers: Mapping[str, str] | None, url: str = "") -> Decoded:
    """Decode an HTML body; raise :class:`NotHtml` when it is binary or garbage."""
    if not body.strip():
        raise NotHtml("empty body", url)
    _reject_binary(body, url)
    decoded = _decode(body, headers)
    _reject_garbage(decoded.text, url)
    if decoded.encoding == "utf-8" and C1_IN_UTF8_RE.search(body) and _encoded_twice(decoded.text):
        return Decoded(MOJIBAKE_RE.sub(_undo_mojibake, decoded.text), decoded.encoding)
    return decoded


def _encoded_twice(text: str) -> bool:
    """Whether the text holds UTF-8 read as Latin-1 and encoded again ("Investorâ\x80\x99s").

    The evidence is a run with a C1 control character that decodes as UTF-8: those code points
    never stand in text. Without it, "Ã©" may be meant and the text is left alone.
    """
    for match in MOJIBAKE_RE.finditer(text):
        run = match.group(0)
        if C1_CONTROL_RE.search(run) and _undo_mojibake(match) != run:
            return True
    return False


def _undo_mojibake(match: re.Match[str]) -> str:
    """A run of Latin-1 characters read back as the UTF-8 bytes they came from."""
    run = match.group(0)
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run


def normalize_label(label: str | bytes | None) -> str | None:
    """Map a declared charset label to a Python codec, or ``None`` when unknown."""
    if not label:
        return None
    name = label.decode("ascii", "ignore") if isinstance(label, bytes) else label
    name = name.strip().strip("\"'").lower()
    name = LABEL_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return LABEL_ALIASES.get(codec, codec)


def header_charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset parameter of the Content-Type header, normalized."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            found = TEXT_CHARSET_RE.search(value or "")
            return normalize_label(found.group(1)) if found else None
    return None


def meta_charset(body: bytes) -> str | None:
    """The first ``<meta charset>`` or ``http-equiv`` Content-Type declaration, normalized."""
    for tag in META_TAG_RE.finditer(body[:META_SCAN_BYTES]):
        found = CHARSET_PARAM_RE.search(tag.group(0))
        if found:
            return normalize_label(found.group(1))
    return None


def _decode(body: bytes, headers: Mapping[str, str] | None) -> Decoded:
    bom = _bom_decode(body)
    if bom is not None:
        return bom
    wide = _utf16_without_bom(body)
    if wide is not None:
        return Decoded(body.decode(wide, "replace"), wide)
    declared = _declared(body, headers)
    utf8 = _strict(body, "utf-8")
    if utf8 is not None:
        if not body.isascii() or not declared:
            return Decoded(utf8, "utf-8")
        return Decoded(utf8, declared[0])
    for encoding in _by_evidence(declared):
        text = _strict(body, encoding)
        if text is not None and _is_single_byte(encoding):
            return _multi_byte_sniffed(body) or Decoded(text, encoding)
        if text is not None:
            return Decoded(text, encoding)
    if "utf-8" in declared:
        lenient = body.decode("utf-8", "replace")
        if lenient.count("\ufffd") <= MAX_REPLACEMENT_SHARE * len(lenient):
            return Decoded(lenient, "utf-8")
    encoding = _sniff(body) or (declared[0] if declared else "cp1252")
    return Decoded(body.decode(encoding, "replace"), encoding)


def _multi_byte_sniffed(body: bytes) -> Decoded | None:
    """Overrule a single-byte declaration only with a multi-byte encoding that decodes strictly.

    Single-byte code pages accept any bytes, so a server default of ``ISO-8859-1`` on a GBK page
    decodes "successfully" into mojibake; a strict multi-byte fit is the only trustworthy
    counter-evidence, and anything weaker keeps the declaration.
    """
    sniffed = _sniff(body)
    if not sniffed or _is_single_byte(sniffed):
        return None
    text = _strict(body, sniffed)
    return Decoded(text, sniffed) if text is not None else None


def _is_single_byte(encoding: str) -> bool:
    return encoding.startswith(SINGLE_BYTE_PREFIXES)


def _declared(body: bytes, headers: Mapping[str, str] | None) -> list[str]:
    found = [header_charset(headers), meta_charset(body)]
    return list(dict.fromkeys(label for label in found if label))


def _by_evidence(declared: list[str]) -> list[str]:
    """Multi-byte encodings first: a strict multi-byte decode is proof, a single-byte one is not.

    Single-byte code pages decode nearly any bytes, so when a server default (``ISO-8859-1``)
    disagrees with a page's ``<meta charset=gbk>``, the GBK reading must be tried first.
    """
    return sorted(declared, key=_is_single_byte)


def _strict(body: bytes, encoding: str) -> str | None:
    """Decode strictly, forgiving only a multi-byte character cut off at the very end."""
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start < len(body) - 4 or _is_single_byte(encoding):
            return None
        try:
            return body[: error.start].decode(encoding)
        except UnicodeDecodeError:
            return None
    except LookupError:
        return None


def _bom_decode(body: bytes) -> Decoded | None:
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(encoding, "replace"), encoding)
    return None


def _utf16_without_bom(body: bytes) -> str | None:
    """Markup saved as UTF-16 without a BOM starts with ``<`` and a NUL byte."""
    if body[:2] == b"<\x00":
        return "utf-16-le"
    if body[:2] == b"\x00<":
        return "utf-16-be"
    return None


def _sniff(body: bytes) -> str | None:
    """The detector's best guess for an undeclared, non-UTF-8 body.

    charset_normalizer is imported here, on the first such page: most pages declare their
    charset or are UTF-8, and its import costs as much as parsing a few pages.
    """
    from charset_normalizer import from_bytes

    best = from_bytes(body[:SNIFF_SAMPLE_BYTES]).best()
    return normalize_label(best.encoding) if best is not None else None


def _reject_binary(body: bytes, url: str) -> None:
    head = body[:BINARY_SCAN_BYTES]
    for magic, kind in MAGIC_NUMBERS:
        if head.startswith(magic):
            raise NotHtml(f"binary body ({kind})", url)
    if head.startswith(RIFF_MAGIC) or head[4:8] == ISO_MEDIA_BRAND:
        raise NotHtml("binary body (media container)", url)
    wide = _bom_decode(head) is not None or _utf16_without_bom(head) is not None
    if head.count(b"\x00") > MAX_REPLACEMENT_SHARE * len(head) and not wide:
        raise NotHtml("binary body (NUL bytes)", url)


def _reject_garbage(text: str, url: str) -> None:
    sample = text[: BINARY_SCAN_BYTES * 8]
    bad = len(BAD_CHARACTER_RE.findall(sample))
    if bad > MAX_REPLACEMENT_SHARE * len(sample):
        raise NotHtml(f"undecodable body ({bad} bad characters in {len(sample)})", url)
    if "<" not in sample:
        raise NotHtml("no markup in body", url)
