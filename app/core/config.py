"""Settings of the service and its workers: one typed object, read from the environment (prefix AG_)."""
import functools
import os
from typing import Literal, Optional

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))   # the repository


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='AG_', env_file='.env', extra='ignore')

    database_url: str = 'sqlite:///' + os.path.join(ROOT, 'data', 'grader.sqlite')
    broker_url: str = 'redis://127.0.0.1:6379/0'
    storage: Literal['db', 'dir', 's3'] = 'db'   # where uploads live (app.core.storage): db reaches every worker
    storage_dir: str = os.path.join(ROOT, 'data', 'uploads')   # AG_STORAGE=dir's folder (one host)
    s3_bucket: str = ''                   # AG_STORAGE=s3: the bucket, a key prefix, the endpoint of a non-AWS store
    s3_prefix: str = 'uploads/'
    s3_endpoint_url: str = ''
    storage_fetch_retries: int = 5        # a worker that cannot fetch an upload retries (1, 2, 4 ... s), then errors
    sandbox_mode: str = 'strict'
    web_workers: int = 0                  # uvicorn processes of app.cli.serve (~80 MiB each); 0: 1 on SQLite, else 2
    token_lifetime_s: int = 7 * 24 * 3600
    secret_key: str = ''                  # leaderboard pseudonyms; empty: a random key kept in SQL (service_keys)
    public_url: str = ''                  # the service's external base URL (LTI redirect_uri); empty: each request's
    lti_loopback: bool = False            # LTI service calls may reach this machine (an LMS here: development, tests)
    cookie_secure: bool = False           # true behind HTTPS: the pages' cookie is then sent over HTTPS only
    upload_max_file_bytes: int = 2 * 1024 * 1024
    upload_max_request_bytes: int = 8 * 1024 * 1024
    body_max_bytes: int = 1024 * 1024     # any other request body (sign-in, forms, rosters, JSON), before parsing
    db_lock_timeout_s: float = 30         # a worker waits this long for a locked database, then retries
    grading_deadline_s: int = 1800        # a submission queued or running longer is re-enqueued
    sweep_every_s: int = 60               # how often the sweeper looks for such submissions
    max_attempts: int = 3                 # lost workers before a submission is marked error
    worker_concurrency: int = os.cpu_count() or 1   # gradings at once per worker (each uses ~1 core)
    pool_size: int = 1                    # warm sandboxed runners each grading process keeps ready (0: off)
    fork_server: bool = True              # cpu runners forked from a zygote with torch imported (strict, root)
    gpu_workers: bool = False             # route CUDA and training checks to the gpu queue
    cifar_dir: str = ''                   # CIFAR-10 folder for the training checks; empty: synthetic data
    train_time_limit_s: Optional[float] = None   # the solver check's training limit (default 10 s, CIFAR 60 s)
    login_failures: int = 5               # wrong passwords per e-mail before a pause ...
    login_window_s: int = 900             # ... that refills the allowance over this window


@functools.lru_cache(maxsize=None)
def get_settings():
    return Settings()
