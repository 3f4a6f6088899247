"""PACER Desktop: offline bedside calculator for the PACER anakinra trial."""

__version__ = "0.1.0"
