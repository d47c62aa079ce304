#!/usr/bin/env bash
# One prepared run on the device tool's GPU machine (no network; under 5 minutes):
#   here:  bash bench/gpu_prepare.sh            (wheels, bwrap and redis-server into .gpu/)
#   there: device run, carry ['.gpu'], command: bash bench/gpu_check.sh
# Installs the carried packages into the machine's Python (torch with CUDA is already there), makes the
# sandbox user, then runs bench/gpu_check.py. What it prints goes into the README with the card's name.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || exit 2
python3 -m pip install -q --no-index --no-cache-dir --find-links .gpu/wheels -r bench/gpu_requirements.txt || exit 2
command -v bwrap >/dev/null || install -m 0755 .gpu/bwrap /usr/local/bin/bwrap
command -v redis-server >/dev/null || install -m 0755 .gpu/redis-server /usr/local/bin/redis-server
id sandbox >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sandbox
dir=$(pwd)
while [ "$dir" != / ]; do chmod o+x "$dir"; dir=$(dirname "$dir"); done
py=$(python3 -c 'import sys; print(sys.executable)')
echo "python: $py -> $(readlink -f "$py"); prefix $(python3 -c 'import sys; print(sys.prefix)')"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
timeout 280 python3 bench/gpu_check.py
