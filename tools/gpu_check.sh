#!/bin/bash
# What a lent CUDA machine checks, in one go: the CUDA tests, the bench rows on the GPU, and
# what bf16 / channels_last / torch.compile buy and cost (tools/gpu_speed.py).
#   bash tools/gpu_check.sh OUT_DIR
# Uses the machine's own python3 and torch; no Qt is needed (the bench leaves the window out).
set -o pipefail
out=${1:-/tmp/gpu_check}
mkdir -p "$out"
cd "$(dirname "$0")/.." || exit 1
export PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen PYTHONUNBUFFERED=1
nvidia-smi -L
python3 -c "import torch, sys; print(sys.version.split()[0], torch.__version__, torch.cuda.get_device_name())"
# -c /dev/null: the project's pytest settings name pytest-qt options this machine may lack.
python3 -m pytest -q -c /dev/null --rootdir . -p no:cacheprovider \
    tests/core/test_cuda.py tests/core/test_fast_paths.py 2>&1 | tee "$out/pytest.txt"
python3 main.py bench --device cuda --quick --json "$out/bench_cuda.json" 2>&1 | tee "$out/bench.txt"
python3 tools/gpu_speed.py "${@:2}" 2>&1 | tee "$out/speed.txt"
