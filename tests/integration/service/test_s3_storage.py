"""AG_STORAGE=s3 against an S3-compatible server on loopback (moto's server, its own process): the store's
put/get/missing/tampered paths, then an upload graded by a worker that shares no folder with the API."""
import hashlib
import os
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import func, select

from app.core.models import Blob
from app.core.storage import Missing, S3Storage
from tests.helpers.paths import read_submission
from tests.integration.service.helpers import free_port, sessions, set_assignment, token, upload, wait_for

CREDENTIALS = {'AWS_ACCESS_KEY_ID': 'test', 'AWS_SECRET_ACCESS_KEY': 'test', 'AWS_DEFAULT_REGION': 'us-east-1'}


@pytest.fixture
def s3(tmp_path, monkeypatch):
    """(endpoint URL, a boto3 client) of a fresh S3-compatible server on a loopback port, with a bucket 'uploads'."""
    import boto3
    port = free_port()
    proc = subprocess.Popen([sys.executable, '-m', 'moto.server', '-H', '127.0.0.1', '-p', str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = 'http://127.0.0.1:%d' % port
    for _ in range(200):
        try:
            httpx.get(endpoint, timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    for k, v in CREDENTIALS.items():
        monkeypatch.setenv(k, v)
    client = boto3.client('s3', endpoint_url=endpoint)
    client.create_bucket(Bucket='uploads')
    yield endpoint, client
    client.close()
    proc.terminate()
    proc.wait(timeout=10)


def test_the_s3_store_keeps_each_content_once_and_hands_out_only_what_matches(s3):
    endpoint, client = s3
    store = S3Storage('uploads', 'course-a/', endpoint)
    digest = store.put(b'x = 1\n')
    assert digest == hashlib.sha256(b'x = 1\n').hexdigest() and store.put(b'x = 1\n') == digest
    keys = [o['Key'] for o in client.list_objects_v2(Bucket='uploads')['Contents']]
    assert keys == ['course-a/' + digest] and store.get(digest) == b'x = 1\n'
    with pytest.raises(Missing, match='no stored file ' + 'b' * 64):
        store.get('b' * 64)
    client.put_object(Bucket='uploads', Key='course-a/' + digest, Body=b'x = 2\n')    # changed in the store
    with pytest.raises(ValueError, match='does not match its sha256'):
        store.get(digest)
    with pytest.raises(ValueError, match='not a sha256'):
        store.get('../' + 'a' * 61)


@pytest.fixture
def s3_env(s3, service_env):
    """The service's settings pointed at the S3 server (set before the API and the worker start)."""
    service_env.update(CREDENTIALS, AG_STORAGE='s3', AG_S3_BUCKET='uploads', AG_S3_ENDPOINT_URL=s3[0])
    return service_env


def test_an_upload_is_graded_through_the_s3_store(s3_env, api, celery_worker, s3, tmp_path):
    set_assignment(s3_env, training_checks=False)
    r = upload(api, token(api, 'student@example.com'), read_submission('correct_vectorized').decode())
    assert r.status_code == 202, r.text
    s3_env['AG_STORAGE_DIR'] = str(tmp_path / 'worker-host' / 'uploads')     # another host's folder
    celery_worker()
    sub = wait_for(sessions(s3_env), r.json()['id'], ('graded', 'error'), 180)
    assert sub.status == 'graded' and sub.score == sub.max_score, (sub.status, sub.error)
    keys = [o['Key'] for o in s3[1].list_objects_v2(Bucket='uploads')['Contents']]
    assert keys == ['uploads/' + sub.content_sha256]                          # AG_S3_PREFIX's default
    with sessions(s3_env)() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == 0    # not in the database
    assert not os.path.exists(tmp_path / 'uploads') and not os.path.exists(tmp_path / 'worker-host')
