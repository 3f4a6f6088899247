"""The one resolver for files shipped with the application (``resources/`` in the repository).

``resources/`` is installed as the package ``pacer_desktop.resources``, so its files are in that
package's folder (its ``__path__``) from source (editable install), from a wheel and from the
PyInstaller bundle alike, where the build puts them beside the package's ``__init__.py``
(build_spec). A plain folder, read with :mod:`pathlib`: nothing of ours ships in a zip, and
``importlib.resources`` cost about 5 ms of every start to find the same folder.
"""

from __future__ import annotations

from pathlib import Path


class UnknownResource(LookupError):
    """No shipped resource has that name."""


def _folder() -> Path:
    from . import resources
    return Path(resources.__path__[0])


def resource(name: str) -> Path:
    """The shipped file ``name`` (for example ``protocols/pacer-1.toml``); raises if unknown."""
    node = _folder().joinpath(*name.split("/"))
    if not node.is_file():
        raise UnknownResource(f"no resource named {name!r} ships with PACER Desktop")
    return node


def resource_names(folder: str) -> list[str]:
    """Names of the files in a resource folder, sorted."""
    node = _folder() / folder
    if not node.is_dir():
        raise UnknownResource(f"no resource folder named {folder!r} ships with PACER Desktop")
    return sorted(child.name for child in node.iterdir() if child.is_file())
