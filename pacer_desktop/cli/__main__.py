"""``python -m pacer_desktop.cli``: the same as the ``pacer-desktop`` command."""

import sys

from pacer_desktop.cli import main

sys.exit(main())
