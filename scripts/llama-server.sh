#!/usr/bin/env bash
# Prepares a real llama.cpp llama-server for LlamaServerIT and prints its path. Debian 12 has no llama.cpp, so it is
# Debian unstable's build, unpacked (not installed) with the C and C++ libraries it was built against, which are
# newer than this machine's; patchelf points the program and its libraries at them. Every package is checked against
# the SHA-256 the archive's signed index gives. The model server's CPU back end is named in GGML_BACKEND_PATH by the
# test (the file printed on the second line). Kept under DEST (default ~/.cache/warmup-tests/llama-server) once made.
set -euo pipefail
DEST=${1:-$HOME/.cache/warmup-tests/llama-server}
BIN="$DEST/bin/llama-server"
BACKEND="$DEST/root/usr/lib/x86_64-linux-gnu/ggml/backends0/libggml-cpu-x64.so"
if [ -x "$BIN" ] && [ -f "$BACKEND" ]; then
  echo "$BIN"; echo "$BACKEND"; exit 0
fi
if ! command -v patchelf >/dev/null 2>&1; then
  echo "[llama-server] installing patchelf (Debian package)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq patchelf >/dev/null
fi
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$DEST"
mkdir -p "$DEST/root" "$DEST/bin"
curl -fsS -o "$work/Packages.xz" "$MIRROR/dists/sid/main/binary-amd64/Packages.xz"
xz -d "$work/Packages.xz"
for p in libc6 libstdc++6 libgcc-s1 libgomp1 libssl3t64 libggml0 libllama0 llama.cpp-tools; do
  read -r file sum < <(awk -v p="$p" '$0 == "Package: " p { f = 1 } f && /^Filename:/ { n = $2 }
      f && /^SHA256:/ { print n, $2; exit }' "$work/Packages")
  curl -fsS -o "$work/$p.deb" "$MIRROR/$file"
  echo "$sum  $work/$p.deb" | sha256sum -c --quiet -
  dpkg-deb -x "$work/$p.deb" "$DEST/root"
  echo "[llama-server] $file" >&2
done
LIBS="$DEST/root/usr/lib/x86_64-linux-gnu"
cp "$DEST/root/usr/bin/llama-server" "$BIN"
patchelf --set-interpreter "$DEST/root/usr/lib64/ld-linux-x86-64.so.2" --force-rpath \
  --set-rpath "$LIBS:$LIBS/llama" "$BIN"
# the libraries that look for theirs in /usr/lib/x86_64-linux-gnu/llama look beside them instead
find "$LIBS" -name '*.so*' -type f -print0 | while IFS= read -r -d '' f; do
  if readelf -d "$f" 2>/dev/null | grep -q RUNPATH; then
    patchelf --set-rpath "$LIBS:$LIBS/llama" "$f"
  fi
done
"$BIN" --version >&2
echo "$BIN"; echo "$BACKEND"
