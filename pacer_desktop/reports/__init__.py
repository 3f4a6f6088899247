"""Printed documents (reportlab, imported only when printing)."""
