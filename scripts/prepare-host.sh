#!/usr/bin/env bash
# Makes this machine ready to build and test pktkit: Debian/Ubuntu packages,
# npm dependencies, the native addon. Installs what is missing when run as root;
# otherwise stops with the exact command to run. Safe to run again: it only
# does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# command-or-file : Debian package that provides it
needs=(
  "/usr/include/pcap/pcap.h:libpcap-dev"
  "tcpdump:tcpdump"
  "tshark:tshark"
  "editcap:wireshark-common"
  "ip:iproute2"
  "ping:iputils-ping"
  "nft:nftables"
  "dnsmasq:dnsmasq-base"
  "tcpreplay:tcpreplay"
  "curl:curl"
  "make:make"
  "g++:g++"
  "clang++:clang"
  # libFuzzer and the sanitizer runtimes: only a recommendation of clang's, which --no-install-recommends skips
  "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"
  "python3:python3"
  "/usr/lib/python3/dist-packages/scapy/__init__.py:python3-scapy"
  "clickhouse-server:clickhouse-server"
  "clang-format:clang-format"
)
missing=()
for entry in "${needs[@]}"; do
  what=${entry%%:*} pkg=${entry##*:}
  if [[ $what == /* ]]; then [[ -e $what ]] && continue
  else command -v "$what" >/dev/null 2>&1 && continue; fi
  # dnsmasq and tcpdump live in sbin, which a non-root PATH may lack
  [[ -x /usr/sbin/$what || -x /sbin/$what ]] && continue
  missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "pktkit: missing system packages; install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "pktkit: missing system packages (${missing[*]}) and no apt-get here: install their equivalents" >&2
    exit 1
  fi
  echo "pktkit: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Also when package-lock.json changed since the last install (a dependency added by a merge).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --ignore-scripts; else npm install --no-audit --no-fund --ignore-scripts; fi
fi
if [[ ! -f build/Release/pktkit.node ]] || [[ -n $(find native binding.gyp -newer build/Release/pktkit.node -print -quit) ]]; then
  npx --no-install node-gyp rebuild >/dev/null || npx --no-install node-gyp rebuild
fi
