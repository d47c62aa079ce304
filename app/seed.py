"""python -m app.seed: the demo course (app/cli/seed.py)."""
import sys

from app.cli.seed import main

if __name__ == '__main__':
    sys.exit(main())
