"""Alembic environment: the URL comes from the caller's config or from the settings."""
from alembic import context

from app.core.config import get_settings
from app.core.db import make_engine
from app.core.models import Base
import app.lti.tables  # noqa: F401  (the LTI tables join Base.metadata)

url = context.config.get_main_option('sqlalchemy.url') or get_settings().database_url
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
