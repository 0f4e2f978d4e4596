"""``python -m streams.cli``: the `newswatch` command (the worker subprocess of `run` starts this way)."""

import sys

from streams.cli import main

sys.exit(main())
