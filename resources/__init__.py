"""Data shipped with PACER Desktop (protocol files, fonts, icons).

This folder is installed as the package ``pacer_desktop.resources`` (see pyproject.toml), so one
resolver (:mod:`pacer_desktop.resource_files`) finds it from source, from a wheel and frozen.
"""
