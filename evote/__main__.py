"""``python -m evote``: the ``evote`` command."""

import sys

from evote.cli.main import main

sys.exit(main())
