#!/usr/bin/env bash
# Screenshots of every family under Xvfb, as a user sees them:
#   tools/screenshots.sh [WIDTHxHEIGHT] [OUT_DIR]
# 1366x768 (the default) writes resources/screenshots/, the README's pictures.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1366x768}"
out="${2:-resources/screenshots}"
mkdir -p "$out"
shoot() {  # shot file [env...]
    local shot="$1" file="$2"
    shift 2
    env "$@" xvfb-run -a -s "-screen 0 ${size}x24" python tools/screenshots.py "$shot" "$out/$file"
}
for shot in main_window field2d dcgan_digits cgan_digits vae_explorer vae_compare em cyclegan \
            text2img gallery runs folder64 cyclegan_folders128; do
    shoot "$shot" "$shot.png"
done
shoot presentation presentation_en.png STUDIO_LANG=en
shoot presentation presentation_zh.png STUDIO_LANG=zh_CN
