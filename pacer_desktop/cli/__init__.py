"""The command line, ``pacer-desktop`` (and the window's start, which is the command with none given).

The package sits above every layer, like the window: a command reads the database, prints, exports.
``front`` is the argparse front (``main``); ``common`` holds the exit codes and what every command
shares, among it ``signed_in_user``, the one check of who records (issue 18); ``people`` (users),
``storage``, ``double_check`` (verify-dose), ``printing``, ``exports`` and ``screenshot`` each hold
one group of commands.
Every command imports the heavy modules it needs (Qt, reportlab, sqlite_utils) inside itself.
"""

from .front import build_parser, main, window_request

__all__ = ["build_parser", "main", "window_request"]
