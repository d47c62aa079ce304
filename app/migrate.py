"""Bring a database to the newest schema: python -m app.migrate [URL]."""
import os
import sys

from alembic import command
from alembic.config import Config

from app.config import ROOT, get_settings


def alembic_config(url):
    config = Config(os.path.join(ROOT, 'alembic.ini'))
    config.set_main_option('script_location', os.path.join(ROOT, 'app', 'migrations'))
    config.set_main_option('sqlalchemy.url', url.replace('%', '%%'))
    return config


def upgrade(url):
    if url.startswith('sqlite:///'):
        os.makedirs(os.path.dirname(os.path.abspath(url[len('sqlite:///'):])), exist_ok=True)
    command.upgrade(alembic_config(url), 'head')


if __name__ == '__main__':
    upgrade(sys.argv[1] if len(sys.argv) > 1 else get_settings().database_url)
