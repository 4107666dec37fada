"""Fixture pages for parser tests.

A case folder holds either ``page.html`` or ``page.template.html``; a template is filled with the
reference sample article (kept outside the project) so its text is never copied into the repo:
``{body}`` is the article paragraph, ``{previous}``/``{next}`` the sibling titles and ``{teasers}``
the related-teaser links ``/health/teaser-N.html``.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[4] / "shared" / "reference" / "sample-article.txt"


def sample_parts() -> dict[str, str]:
    if not SAMPLE.is_file():
        pytest.skip(f"reference sample {SAMPLE} is absent")
    lines = [line.strip() for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    body = lines[0].rstrip("|").strip()
    previous = next(line[3:].strip() for line in lines if line.startswith("<<:"))
    following = next(line[3:].strip() for line in lines if line.startswith(">>:"))
    teasers = [line for line in lines[1:] if not line.startswith(("<<:", ">>:"))]
    return {
        "body": html.escape(body),
        "previous": html.escape(previous),
        "next": html.escape(following),
        "teasers": "\n".join(
            f'<p><a href="/health/teaser-{n}.html">{html.escape(text)}</a></p>'
            for n, text in enumerate(teasers, 1)
        ),
    }


def read_case_page(case: Path) -> bytes:
    """The case's page bytes, rendering the sample template when the case has one."""
    template = case / "page.template.html"
    if template.is_file():
        parts = sample_parts()
        text = template.read_text(encoding="utf-8")
        for name, value in parts.items():
            text = text.replace("{" + name + "}", value)
        return text.encode("utf-8")
    return (case / "page.html").read_bytes()
