#!/usr/bin/env bash
# Renders every reference page (runtime/render/tests/pages/<name>/page.html) with headless
# Chromium at 375x300, then runs the render crate's browser comparison, which renders the same
# pages (page.xml + page.css) with miniapp and scores each pair (1 - mean absolute difference).
# The scores are checked against runtime/render/tests/pages/browser-scores.txt; set
# MINIAPP_BROWSER_SCORES_UPDATE=1 to rewrite that file. See docs/rendering.md.
#
#   scripts/compare-browser.sh            # screenshots + comparison
#   CHROMIUM=/path/to/chrome scripts/compare-browser.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pages="$root/runtime/render/tests/pages"
out="$root/runtime/render/tests/current/browser"
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$chromium" ]; then
  echo "error: chromium not found (apt-get install -y chromium fonts-wqy-microhei, or set CHROMIUM)" >&2
  exit 1
fi
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || echo "warning: fonts-wqy-microhei is not installed: Chromium draws CJK pages with another font" >&2
mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
for dir in "$pages"/*/; do
  dir="${dir%/}"
  name="$(basename "$dir")"
  [ -f "$dir/page.html" ] || continue
  "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --allow-file-access-from-files --force-device-scale-factor=1 --virtual-time-budget=3000 \
    --run-all-compositor-stages-before-draw \
    --user-data-dir="$profile" --window-size=375,300 \
    --screenshot="$out/$name.png" "file://$dir/page.html" >/dev/null 2>&1
done
cd "$root"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
chmod 700 "$XDG_RUNTIME_DIR"
cargo test -p miniapp-render --test all -- --ignored --nocapture browser_scores
