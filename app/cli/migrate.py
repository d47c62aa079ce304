"""Bring a database to the newest schema: python -m app.migrate [URL] (Alembic, app/migrations)."""
import os
import sys

from alembic import command
from alembic.config import Config

from app.core.config import ROOT, get_settings


def alembic_config(url):
    config = Config(os.path.join(ROOT, 'alembic.ini'))
    config.set_main_option('script_location', os.path.join(ROOT, 'app', 'migrations'))
    config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


def upgrade(url):
    if url.startswith('sqlite:///'):
        os.makedirs(os.path.dirname(os.path.abspath(url[len('sqlite:///'):])), exist_ok=True)
    command.upgrade(alembic_config(url), 'head')


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    upgrade(argv[0] if argv else get_settings().database_url)


if __name__ == '__main__':
    sys.exit(main())
