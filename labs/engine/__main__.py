"""``python -m labs.engine``: check and run Structured Text programs.

Subcommands live in labs/engine/cli.py; register more (e.g. ``serve``) on ``subparsers``
below with ``set_defaults(func=...)``.
"""

import sys

from labs.engine.cli import build_parser, run_cli
from labs.gateway.cli import register as register_serve


def main(argv=None) -> int:
    """Build the parser, let extra subcommands register, run the chosen one."""
    parser, subparsers = build_parser()
    register_serve(subparsers)
    return run_cli(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
