"""Find elements in an HTML page by tag, id and class, with the standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))


def elements(html: str) -> list[Element]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.elements


def select(html: str, selector: str) -> list[Element]:
    """Elements matching a simple selector: ``tag``, ``#id``, ``.class`` or ``tag.class``."""
    if selector.startswith("#"):
        return [e for e in elements(html) if e.attrs.get("id") == selector[1:]]
    tag, _, cls = selector.partition(".")
    return [e for e in elements(html) if (not tag or e.tag == tag) and (not cls or cls in e.classes)]


def local_assets(html: str) -> list[str]:
    """The same-origin script and stylesheet URLs a page loads."""
    found = [e.attrs.get("src", "") for e in elements(html) if e.tag == "script"]
    found += [e.attrs.get("href", "") for e in elements(html) if e.tag == "link" and e.attrs.get("rel") == "stylesheet"]
    return [u for u in found if u.startswith("/")]
