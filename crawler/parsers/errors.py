"""The parser's small set of exceptions.

Each carries a short machine-readable ``reason`` that pipelines and the spider use as a stats key
(``parse/dropped/<reason>``), so every page that yields no article is counted with why.
"""


class ParseError(Exception):
    reason = "parse_error"

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(f"{message}: {url}" if url else message)
        self.url = url


class NotHtml(ParseError):
    """The body is binary or otherwise not decodable as an HTML document."""

    reason = "not_html"


class NotAnArticle(ParseError):
    """A real HTML page, but a listing, home page or other non-article (nothing to archive)."""

    reason = "not_article"


class EmptyBody(ParseError):
    """Looked like an article but no main text could be found."""

    reason = "empty_body"
