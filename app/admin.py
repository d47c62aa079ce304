"""python -m app.admin: set up a real course (app/cli/admin.py)."""
import sys

from app.cli.admin import main

if __name__ == '__main__':
    sys.exit(main())
