"""Content-addressed upload store: put(bytes) -> sha256, get(sha256) -> bytes; identical content is kept once.

AG_STORAGE picks where: 'db' (the default: the blobs table, which every worker reaches), 'dir' (a folder at
AG_STORAGE_DIR, only for an API and workers that share it) or 's3' (a bucket of an S3-compatible store)."""
import hashlib
import os
import re
import tempfile
import threading
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.core.models import Blob

SHA256 = re.compile(r'[0-9a-f]{64}\Z')


class Missing(LookupError):
    """No stored file has this sha256."""


class Storage(Protocol):
    def put(self, data: bytes) -> str: ...

    def get(self, digest: str) -> bytes: ...


def checked(digest):
    """The digest if it is a sha256 in lowercase hex, else ValueError (it names a file or an object key)."""
    if not isinstance(digest, str) or not SHA256.match(digest):
        raise ValueError('not a sha256: %r' % (digest,))
    return digest


def _verified(digest, data):
    if hashlib.sha256(data).hexdigest() != digest:
        raise ValueError('the stored file %s does not match its sha256' % digest)
    return data


class DirStorage:
    """Files under root/ab/abcd...: only for an API and workers on one host (or one shared folder)."""

    def __init__(self, root):
        self.root = root

    def _path(self, digest):
        digest = checked(digest)
        return os.path.join(self.root, digest[:2], digest)

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
            with os.fdopen(fd, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)         # atomic: a reader never sees half a file
        return digest

    def get(self, digest):
        try:
            with open(self._path(digest), 'rb') as f:
                return _verified(digest, f.read())
        except FileNotFoundError:
            raise Missing('no stored file %s' % digest) from None


INSERTS = {'sqlite': sqlite_insert, 'postgresql': postgresql_insert}


class DbStorage:
    """Rows of the blobs table, written in the caller's session (committed with it)."""

    def __init__(self, session):
        self.session = session

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        insert = INSERTS.get(self.session.get_bind().dialect.name)
        if insert:                                    # two uploads of the same file at once: one row
            self.session.execute(insert(Blob).values(sha256=digest, size=len(data), data=data)
                                 .on_conflict_do_nothing(index_elements=['sha256']))
        elif self.session.get(Blob, digest) is None:
            self.session.add(Blob(sha256=digest, size=len(data), data=data))
            self.session.flush()
        return digest

    def get(self, digest):
        data = self.session.scalar(select(Blob.data).where(Blob.sha256 == checked(digest)))
        if data is None:
            raise Missing('no stored file %s' % digest)
        return _verified(digest, bytes(data))


_s3_clients, _s3_lock = {}, threading.Lock()


def s3_client(endpoint_url):
    """One boto3 client per endpoint and process (thread-safe; making one costs tens of ms and a connection pool)."""
    with _s3_lock:
        if endpoint_url not in _s3_clients:
            import boto3
            _s3_clients[endpoint_url] = boto3.client('s3', endpoint_url=endpoint_url)
        return _s3_clients[endpoint_url]


class S3Storage:
    """Objects <prefix><sha256> in a bucket of an S3-compatible store (boto3, imported when used)."""

    def __init__(self, bucket, prefix='', endpoint_url=None):
        self.client = s3_client(endpoint_url or None)
        self.bucket, self.prefix = bucket, prefix

    def _key(self, digest):
        return self.prefix + checked(digest)

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(digest))
        except self.client.exceptions.ClientError as exc:
            if exc.response.get('Error', {}).get('Code') not in ('404', 'NoSuchKey', 'NotFound'):
                raise
            self.client.put_object(Bucket=self.bucket, Key=self._key(digest), Body=data)
        return digest

    def get(self, digest):
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self._key(digest))
        except self.client.exceptions.NoSuchKey:
            raise Missing('no stored file %s' % digest) from None
        return _verified(digest, reply['Body'].read())


def open_storage(settings, session=None):
    """The configured Storage; 'db' writes and reads through session (the caller commits)."""
    if settings.storage == 'dir':
        return DirStorage(settings.storage_dir)
    if settings.storage == 's3':
        return S3Storage(settings.s3_bucket, settings.s3_prefix, settings.s3_endpoint_url)
    if session is None:
        raise ValueError('AG_STORAGE=db needs a database session')
    return DbStorage(session)
