"""Pure clinical rules of the PACER protocol (shared/spec/clinical-rules.md).

Nothing here reads a clock, a file, Qt, SQLite or reportlab: models in, results out.
"""
