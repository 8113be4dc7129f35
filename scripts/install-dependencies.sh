#!/usr/bin/env bash
# Installs the system packages TangleSim needs, if any is missing: GSL (libgsl-dev) and
# pkg-config to build; gnuplot (gnuplot-nox) for `tanglesim plot` and Graphviz (graphviz) for
# `tanglesim draw`. Swift itself must already be installed.
set -euo pipefail

packages=(libgsl-dev pkg-config gnuplot-nox graphviz)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "error: missing ${missing[*]}, and apt-get is not available: install them by hand" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: run as root or install sudo to install ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "Installing ${missing[*]} ..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
