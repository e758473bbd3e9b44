#!/usr/bin/env bash
# Debian packages the tests and the benchmark read at run time. Installs the missing ones
# when it can (root, apt-get present); otherwise prints the command and fails.
set -euo pipefail
need=()
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
# The runtime tracer's tests run real scripts with Debian's PyTorch.
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
if [ "${#need[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "missing Debian packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "installing Debian packages: ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
