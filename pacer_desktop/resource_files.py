"""The one resolver for files shipped with the application (``resources/`` in the repository).

Works the same from source (editable install), from a wheel and from the PyInstaller bundle,
because ``resources/`` is installed as the package ``pacer_desktop.resources``.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


class UnknownResource(LookupError):
    """No shipped resource has that name."""


def resource(name: str) -> Traversable:
    """The shipped file ``name`` (for example ``protocols/pacer-1.toml``); raises if unknown."""
    node = files("pacer_desktop.resources")
    for part in name.split("/"):
        node = node / part
    if not node.is_file():
        raise UnknownResource(f"no resource named {name!r} ships with PACER Desktop")
    return node


def resource_names(folder: str) -> list[str]:
    """Names of the files in a resource folder, sorted."""
    node = files("pacer_desktop.resources") / folder
    if not node.is_dir():
        raise UnknownResource(f"no resource folder named {folder!r} ships with PACER Desktop")
    return sorted(child.name for child in node.iterdir() if child.is_file())
