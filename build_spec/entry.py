"""Entry point of the frozen application (both the windowed and the console executable)."""

import sys

if __name__ == "__main__" and sys.argv[1:2] == ["--pacer-verify-share"]:
    # verify-db's second process (pacer_desktop.storage.shares.CHILD_FLAG): the frozen program
    # is its own Python, so it is started as itself with this flag and nothing else is loaded.
    from pacer_desktop.storage.share_child import child
    sys.exit(child())

from pacer_desktop.cli import main  # noqa: E402 - after the second process's way out

if __name__ == "__main__":
    sys.exit(main())
