"""Local storage of every entry (SQLite through sqlite-utils)."""
