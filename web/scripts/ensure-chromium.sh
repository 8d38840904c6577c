#!/usr/bin/env bash
# Makes sure Debian's Chromium (/usr/bin/chromium) and the fonts the screenshots need are installed,
# for the web e2e tests (playwright-core drives this browser; Playwright's own browser download cannot
# work here). Idempotent: does nothing when everything is there.
set -euo pipefail
bin=${CHROMIUM_PATH:-/usr/bin/chromium}
packages=(chromium fonts-dejavu-core fonts-noto-color-emoji)
missing=()
[ -x "$bin" ] || missing+=(chromium)
for p in "${packages[@]:1}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null || { echo "ensure-chromium: missing ${missing[*]} and no apt-get" >&2; exit 1; }
echo "ensure-chromium: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Same marker as hack/backends.sh, so one `apt-get update` serves both.
[ -f /var/lib/apt/lists/.converge-updated ] || { apt-get update -qq && touch /var/lib/apt/lists/.converge-updated; }
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
[ -x "$bin" ] || { echo "ensure-chromium: $bin still missing after install" >&2; exit 1; }
"$bin" --version 2>/dev/null | grep -v '^\s*$' || true
