"""``python -m labs.gateway serve PROGRAM.st --plant tank --modbus 127.0.0.1:5020``."""

import sys

from .cli import main

sys.exit(main())
