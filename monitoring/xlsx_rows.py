"""The cell values of an XLSX file's first worksheet, streamed with expat: what openpyxl's
read-only ``iter_rows(values_only=True)`` gives, several times faster.

openpyxl builds an element (and, for text, a ``Text`` object) per cell; a 100,000-row import
spent more time there than in validating and saving. ``worksheet_rows`` reads the package's
metadata, styles and worksheet list with openpyxl itself (small parts), and the shared strings and
the worksheet's cells with expat. Values follow openpyxl's rules (``_cast_number``, text runs,
``data_only``: a formula's cached value). Whatever it does not read the same way – a number in a
date style, a cell of type ``d``, an inline rich-text string with phonetic runs – makes it
return ``None``, and the caller reads the file with openpyxl. ``tests/test_xlsx_rows.py`` compares
the two on workbooks with every kind of cell.
"""

import contextlib
import zipfile
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.xml.constants import SHARED_STRINGS
from openpyxl.xml.functions import fromstring

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHUNK = 1 << 16


class Unsupported(Exception):
    """A cell this reader does not read as openpyxl would: use openpyxl."""


def _parse(source, start, end, text) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    while chunk := source.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _Strings:
    """Shared strings, or an inline string: the plain ``<t>`` and the runs' ``<t>``, not ``<rPh>``."""

    def __init__(self):
        self.parts: list[str] = []
        self.in_t = False
        self.skip = 0

    def start(self, tag):
        if tag == "rPh":
            self.skip += 1
        elif tag == "t" and not self.skip:
            self.in_t = True

    def end(self, tag):
        if tag == "rPh":
            self.skip -= 1
        elif tag == "t":
            self.in_t = False

    def text(self, data):
        if self.in_t:
            self.parts.append(data)

    def take(self) -> str:
        value, self.parts = "".join(self.parts), []
        return value


def _shared_strings(archive, package) -> list[str]:
    part = package.find(SHARED_STRINGS)
    if part is None:
        return []
    strings: list[str] = []
    reader = _Strings()

    def start(name, attrs):
        tag = name.rpartition(" ")[2]
        if tag == "si":
            reader.take()
        else:
            reader.start(tag)

    def end(name):
        tag = name.rpartition(" ")[2]
        if tag == "si":
            strings.append(reader.take())
        else:
            reader.end(tag)

    with archive.open(part.PartName[1:]) as source:
        _parse(source, start, end, reader.text)
    return strings


def _cast_number(value: str):
    """openpyxl's ``_cast_number``."""
    if "." in value or "E" in value or "e" in value:
        return float(value)
    return int(value)


def worksheet_rows(data, *, max_rows: int) -> list | None:
    """The first worksheet's rows as tuples of values (``None`` for empty cells), at most
    ``max_rows`` of them; ``None`` when openpyxl should read the file instead."""
    reader = ExcelReader(data, read_only=True, data_only=True)
    archive: zipfile.ZipFile = reader.archive
    try:
        reader.read_manifest()
        reader.read_workbook()
        valid = set(archive.namelist())
        target = next(
            (
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in valid and "chartsheet" not in rel.Type
            ),
            None,
        )
        if target is None:
            return None
        date_styles = set()
        if "xl/styles.xml" in valid:
            stylesheet = Stylesheet.from_tree(fromstring(archive.read("xl/styles.xml")))
            date_styles = set(stylesheet.date_formats) | set(stylesheet.timedelta_formats)
        strings = _shared_strings(archive, reader.package)
        with archive.open(target) as source:
            return _cells(source, strings, date_styles, max_rows)
    except Unsupported:
        return None
    finally:
        archive.close()


def _cells(source, strings: list[str], date_styles: set[int], max_rows: int) -> list[tuple]:
    rows: list[tuple] = []
    state = {"row": 0, "col": 0, "cells": None, "type": "n", "style": 0, "where": None, "v": [], "in_v": False}
    inline = _Strings()

    class Enough(Exception):
        pass

    def start(name, attrs):
        tag = name.rpartition(" ")[2]
        where = state["where"]
        if tag == "row":
            number = attrs.get("r")
            state["row"] = int(number) if number is not None else state["row"] + 1
            state["col"], state["cells"] = 0, {}
        elif tag == "c" and state["cells"] is not None:
            reference = attrs.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                state["col"] = column_index_from_string(letters)
            else:
                state["col"] += 1
            style = attrs.get("s")
            state["type"], state["style"] = attrs.get("t", "n"), int(style) if style else 0
            state["where"], state["v"] = "c", []
        elif where == "c" and tag == "v":
            state["in_v"] = True
        elif where == "c" and tag == "is":
            state["where"] = "is"
            inline.take()
        elif where == "is":
            inline.start(tag)
        elif where == "c" and tag != "f":
            raise Unsupported(tag)

    def end(name):
        tag = name.rpartition(" ")[2]
        where = state["where"]
        if where == "is":
            if tag == "is":
                state["where"] = "c"
                state["inline"] = inline.take()
            else:
                inline.end(tag)
        elif tag == "v":
            state["in_v"] = False
        elif tag == "c" and where == "c":
            state["where"] = None
            state["cells"][state["col"]] = _value(state, strings, date_styles)
            state.pop("inline", None)
        elif tag == "row" and state["cells"] is not None:
            cells, number = state["cells"], state["row"]
            while len(rows) < number - 1:  # rows missing in the file are empty rows, as openpyxl yields them
                rows.append([])
            width = max(cells) if cells else 0
            rows.append(tuple(cells.get(column) for column in range(1, width + 1)))
            state["cells"] = None
            if len(rows) > max_rows:
                raise Enough

    def text(data):
        if state["where"] == "is":
            inline.text(data)
        elif state["in_v"]:
            state["v"].append(data)

    with contextlib.suppress(Enough):  # the caller refuses a file with more rows than it takes
        _parse(source, start, end, text)
    return rows


def _value(state: dict, strings: list[str], date_styles: set[int]):
    kind = state["type"]
    if kind == "inlineStr":
        return state.get("inline")
    raw = "".join(state["v"]) or None
    if raw is None:
        return None
    if kind == "n":
        if state["style"] in date_styles:
            raise Unsupported("date")
        return _cast_number(raw)
    if kind == "s":
        return strings[int(raw)]
    if kind == "b":
        return bool(int(raw))
    if kind in ("str", "e"):  # a formula's text, an error ("#N/A") as openpyxl keeps it
        return raw
    raise Unsupported(kind)
