#!/usr/bin/env python3
"""Developer commands of the serial_procurement repository (see CONTRIBUTING.md).

    python3 scripts/sp.py run [--init-only]   # make run
    python3 scripts/sp.py test                # make test
    python3 scripts/sp.py --help              # every command

Standard library only: the implementation is the package scripts/sptool/.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sptool.commands import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
