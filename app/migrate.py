"""python -m app.migrate [URL]: the newest schema (app/cli/migrate.py)."""
import sys

from app.cli.migrate import main

if __name__ == '__main__':
    sys.exit(main())
