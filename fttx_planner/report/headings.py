"""Headings and bookmarks of the report, and the numbering of its sections.

A :class:`Heading` is a visible title that the document template puts into
the table of contents and the PDF outline; a :class:`Bookmark` is an
invisible outline entry (map pages). :class:`Outline` hands them out in the
order of the story, numbering sections ("3") and subsections ("3.2") and
giving each a unique destination key.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph

from fttx_planner.report.style import styles

#: Paragraph style of a heading at each outline level.
_HEADING_STYLES = {0: "h1", 1: "h2", 2: "h3"}


class Heading(Paragraph):
    """A heading that goes into the table of contents and the PDF outline.

    Parameters
    ----------
    text
        The heading, already numbered.
    style
        Name of its paragraph style (see :func:`~fttx_planner.report.style.styles`).
    level
        Outline level: 0 for a section, 1 for a subsection.
    key
        The PDF destination of the heading.
    toc
        Whether it is listed in the table of contents (it is always in the outline).
    """

    def __init__(self, text: str, style: str, level: int, key: str, toc: bool = True):
        super().__init__(text, styles()[style])
        self.toc_level = level
        self.bookmark_key = key
        self.in_toc = toc


class Bookmark(Flowable):
    """An invisible PDF outline entry, and contents entry if ``toc`` (map pages).

    Parameters
    ----------
    title
        Text of the outline (and contents) entry.
    key
        The PDF destination it points to.
    level
        Outline level.
    toc
        Whether it is also listed in the table of contents.
    """

    def __init__(self, title: str, key: str, level: int, toc: bool = False) -> None:
        super().__init__()
        self.title = title
        self.key = key
        self.level = level
        self.toc = toc
        self.width = self.height = 0

    def draw(self) -> None:
        """Mark the page and add the outline entry."""
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=True)


class Outline:
    """Numbers the sections of the report and keys their PDF destinations.

    Sections are numbered 1, 2, ... and their subsections 1.1, 1.2, ...;
    appendices ("Appendix A ...") are not numbered, nor are subsections once
    :attr:`in_appendix` is set. Every heading or bookmark gets a fresh key.
    """

    def __init__(self) -> None:
        self._keys = 0
        #: Number of the current section (0 before the first).
        self.section = 0
        #: Number of the last subsection of the current section.
        self.sub = 0
        #: Set when the appendices start: subsections are no longer numbered.
        self.in_appendix = False

    def _key(self, prefix: str) -> str:
        self._keys += 1
        return f"{prefix}{self._keys}"

    def heading(self, text: str, level: int, toc: bool = True) -> Heading:
        """A section (``level`` 0) or subsection (1) heading, numbered when in the contents."""
        key = self._key("h")
        style = _HEADING_STYLES[level]
        if level == 0 and toc and not text.startswith("Appendix"):
            self.section += 1
            self.sub = 0
            text = f"{self.section}&nbsp;&nbsp;{text}"
        elif level == 1 and toc and self.section and not self.in_appendix:
            self.sub += 1
            text = f"{self.section}.{self.sub}&nbsp;&nbsp;{text}"
        return Heading(text, style, level, key, toc)

    def mark(self, text: str) -> Bookmark:
        """A numbered contents entry of the current section without a visible heading."""
        key = self._key("m")
        self.sub += 1
        return Bookmark(f"{self.section}.{self.sub}\u00a0\u00a0{text}", key, 1, toc=True)

    def bookmark(self, title: str, level: int) -> Bookmark:
        """An outline entry only, unnumbered and not in the contents (a map sheet)."""
        return Bookmark(title, self._key("s"), level)
