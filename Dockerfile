# image: autograder-worker. The CPU workers: the grading engine and its sandbox; CPU torch from PyPI's CPU index.
# (The API, migrations and sweeper use the torch-free Dockerfile.web.)
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap libseccomp2 procps \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --no-create-home --shell /usr/sbin/nologin sandbox
WORKDIR /srv/grader
COPY requirements.txt requirements-service.txt ./
RUN python -m venv /srv/grader/.venv \
    && .venv/bin/pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
    && .venv/bin/pip install --no-cache-dir -r requirements.txt -r requirements-service.txt
COPY alembic.ini ./
COPY app app
COPY grader grader
COPY reference reference
COPY worker worker
COPY deploy/worker-entrypoint.sh /usr/local/bin/worker-entrypoint.sh
ENV PATH=/srv/grader/.venv/bin:$PATH
EXPOSE 8000
CMD ["python", "-m", "app.cli.serve", "--host", "0.0.0.0", "--port", "8000"]   # AG_WEB_WORKERS processes
