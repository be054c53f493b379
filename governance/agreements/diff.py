"""A readable difference between two versions of an agreement (difflib, word by word).

Each field becomes a list of segments: unchanged, inserted or deleted text. The template renders
inserted text in ``<ins>`` and deleted text in ``<del>``, each with a text label ("Tilføjet:",
"Slettet:"), so the change is read by a screen reader and seen without colour.
"""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    kind: str
    text: str

    @property
    def is_insert(self) -> bool:
        return self.kind == INSERT

    @property
    def is_delete(self) -> bool:
        return self.kind == DELETE


@dataclass
class FieldDiff:
    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(segment.kind != EQUAL for segment in self.segments)

    @property
    def inserted_words(self) -> int:
        return sum(len(s.text.split()) for s in self.segments if s.kind == INSERT)

    @property
    def deleted_words(self) -> int:
        return sum(len(s.text.split()) for s in self.segments if s.kind == DELETE)


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def text_diff(old: str, new: str) -> list[Segment]:
    """``old`` → ``new`` as segments, compared word by word (whitespace kept, line breaks too)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    segments = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment(EQUAL, "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment(DELETE, "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment(INSERT, "".join(b[j1:j2])))
    return _merge(segments)


def list_diff(old: list[str], new: list[str]) -> list[Segment]:
    """Named items (e.g. parties) kept, added and removed, in alphabetical order."""
    old_set, new_set = set(old), set(new)
    return [
        Segment(EQUAL if name in old_set and name in new_set else (INSERT if name in new_set else DELETE), name)
        for name in sorted(old_set | new_set)
    ]
