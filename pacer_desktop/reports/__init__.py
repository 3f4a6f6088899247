"""Printed documents (reportlab, imported only when printing).

``DOCUMENTS`` lives here, with no imports, so that the window can name the documents in its Print
menu at start-up without loading the document code.
"""

#: kind → (title, module, function). The titles are what the print record and the CLI show.
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    "order": ("Anakinra order sheet", "order_sheet", "order_sheet"),
    "mar": ("Bedside administration record", "administration_record", "administration_record"),
    "eligibility": ("Eligibility checklist", "eligibility_checklist", "eligibility_checklist"),
    "grading": ("Daily grading summary", "grading_summary", "grading_summary"),
}


def document_title(kind: str) -> str:
    """The title of a kind of document, as the Print menu, the preview and the print record show it."""
    return DOCUMENTS[kind][0]
