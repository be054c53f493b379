"""Tagged PDFs from WeasyPrint: PDF/UA-1 with the table header scope in the structure tree.

WeasyPrint (``pdf_variant="pdf/ua-1"``) tags tables and ties each data cell to its headers
(``/Headers``), reading ``<th scope>`` for that, but writes no ``/Scope`` attribute on the ``TH``
elements. ``write_tagged_pdf`` adds it (``/Row``, ``/Column`` or ``/Both``) from each header cell's
``scope`` attribute, so assistive technology and PDF/UA checkers see what every header heads.
"""

PDF_VARIANT = "pdf/ua-1"
SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column", "both": "/Both"}


def write_tagged_pdf(document) -> bytes:
    """The PDF of a rendered WeasyPrint ``document`` (``HTML(...).render()``), tagged, with header scopes."""
    return document.write_pdf(pdf_variant=PDF_VARIANT, finisher=add_table_header_scope)


def add_table_header_scope(document, pdf) -> None:
    """WeasyPrint finisher: put ``/Scope`` on the structure element of every ``<th>`` with a ``scope``.

    Runs after WeasyPrint has tagged the document and before the PDF is written; WeasyPrint keeps each
    table cell's structure element on its box (``box.mark``)."""
    for page in document.pages:
        for box in page._page_box.descendants():
            if getattr(box, "element_tag", None) != "th" or box.element is None:
                continue
            mark = getattr(box, "mark", None)
            scope = SCOPES.get((box.element.attrib.get("scope") or "").strip().lower())
            if mark is None or scope is None or "A" not in mark:
                continue
            mark["A"]["Scope"] = scope
