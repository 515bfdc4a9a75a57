#!/usr/bin/env bash
# Installs everything tmigr-trace and its tests need on a fresh Debian machine (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
# the lab's guests need the static busybox; Debian's dynamic `busybox` package does not do
dpkg -s busybox-static >/dev/null 2>&1 || need_apt+=(busybox-static)
command -v trace-cmd >/dev/null || need_apt+=(trace-cmd)
command -v cpio >/dev/null || need_apt+=(cpio)
# capture --backend bcc: Debian's BCC (the python3 module over libbcc; PyPI's 'bcc' is unrelated)
dpkg -s python3-bpfcc >/dev/null 2>&1 || need_apt+=(python3-bpfcc)
# tests/test_report.py opens report.html in Debian's headless Chromium
command -v chromium >/dev/null || need_apt+=(chromium fonts-liberation)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" != 0 ]; then
  echo "setup: not root, not installing ${need_apt[*]} (tests that need them are skipped with the reason)" >&2
fi
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  echo "setup: installing Debian packages ${need_apt[*]} (once; a few minutes on a fresh machine)" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# builds the C fast paths and the mypyc-compiled replay core (setup.py; about a minute the first
# time, seconds when the replay sources are unchanged); either falls back to pure Python
echo "setup: pip install -e '.[test]' (about a minute the first time: it compiles the replay core)" >&2
# (pip's own status decides, through pipefail: the filter only hides two harmless notices)
if ! python3 -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 \
    | { grep -v -e 'Running pip as the' -e 'is ignored: it is neither' || true; }; then
  echo "setup: pip install -e '.[test]' failed (see above)" >&2
  exit 1
fi
python3 -c 'import tmigr_trace.replay as r; s = r.native_status()
print("replay core:", "compiled (mypyc)" if s["compiled"] else "pure Python", "-", s["reason"])'
# BCC compiles against kernel headers: when this kernel ships none, Debian's closest ones are
# fetched through a private apt configuration and prepared with this kernel's config (cached in
# ~/.cache/tmigr-trace/bcc; docs/bcc.md). Only capture --backend bcc needs them.
if [ "$(id -u)" = 0 ]; then
  python3 -m tmigr_trace.collectors.bcc_headers --if-missing \
    || echo "setup: BCC headers not prepared (tmigr-trace doctor says why; the ftrace capture does not need them)" >&2
fi
