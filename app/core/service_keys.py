"""Keys the service makes up once and keeps in SQL, so that every API process on every host uses the same."""
import os
import secrets

from app.core.models import ServiceSecret
from app.core.storage import INSERTS


def pseudonym_key(settings, session):
    """AG_SECRET_KEY, else a random key made once and kept in SQL. A key file that an older version left beside
    the uploads is taken over, so the leaderboard's pseudonyms stay as they were."""
    if settings.secret_key:
        return settings.secret_key
    row = session.get(ServiceSecret, 'pseudonyms')
    if row is not None:
        return row.value
    legacy = os.path.join(os.path.dirname(os.path.abspath(settings.storage_dir)), 'secret_key')
    value = open(legacy).read().strip() if os.path.isfile(legacy) else secrets.token_hex(32)
    insert = INSERTS[session.get_bind().dialect.name]
    session.execute(insert(ServiceSecret).values(name='pseudonyms', value=value)
                    .on_conflict_do_nothing(index_elements=['name']))     # two hosts at once: the first key wins
    session.commit()
    return session.get(ServiceSecret, 'pseudonyms', populate_existing=True).value
