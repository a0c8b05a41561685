"""``python -m awal``: the ``awal`` command."""

import sys

from .cli import main

sys.exit(main())
