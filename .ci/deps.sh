#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages CosDrop needs to build, test and run,
# skipping the ones already there. On other systems it prints the list and
# fails, so nobody gets a half-set-up machine silently.
#   .ci/deps.sh build   - what `make run` needs
#   .ci/deps.sh test    - build + headless display, real keyring, GUI tools
#   .ci/deps.sh package - test + packaging tools
set -euo pipefail

build_pkgs=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev xorg-dev libgl1-mesa-dri)
test_pkgs=(xvfb xdotool xclip x11-utils imagemagick dbus dbus-x11 gnome-keyring python3 python3-xlib curl fonts-wqy-microhei)
package_pkgs=(gcc-mingw-w64-x86-64 nsis appstream desktop-file-utils file p7zip-full shared-mime-info)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  package) want+=("${test_pkgs[@]}" "${package_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|package" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "This is not a Debian or Ubuntu system. Install these packages (or your system's equivalents) and run again:" >&2
  echo "  ${want[*]}" >&2
  exit 1
fi

missing=()
for p in "${want[@]}"; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$st" == "install ok installed" ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "Not root and no sudo: install as root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
