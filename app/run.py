"""python -m app.run (`make run`): migrate, seed, start everything (app/cli/run.py)."""
import sys

from app.cli.run import main

if __name__ == '__main__':
    sys.exit(main())
