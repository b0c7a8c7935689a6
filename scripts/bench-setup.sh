#!/usr/bin/env bash
# Installs the peers that `npm run bench` compares pktkit with. None of their
# code enters the project: node peers go to bench/peers/node_modules (pinned by
# bench/peers/package-lock.json, apart from the project's dependencies so that a
# peer whose native build fails only skips its driver), the rest are Debian
# packages. Safe to run again; a peer that cannot be installed is reported and
# its driver prints `skipped: <why>`.
set -uo pipefail
cd "$(dirname "$0")/.."

say() { echo "bench-setup: $*" >&2; }

# Debian packages: command-or-path : package
debs=(
  "tcpdump:tcpdump"
  "tshark:tshark"
  "clickhouse-client:clickhouse-client"
  "tcpreplay:tcpreplay"
  "taskset:util-linux"
  "ip:iproute2"
  "g++:g++"
  "/usr/include/pcap/pcap.h:libpcap-dev"
  "/usr/lib/python3/dist-packages/scapy/__init__.py:python3-scapy"
  "/usr/lib/go/bin/go:golang-go"
  "/usr/share/gocode/src/github.com/google/gopacket/parser.go:golang-github-google-gopacket-dev"
)
missing=()
for entry in "${debs[@]}"; do
  what=${entry%%:*} pkg=${entry##*:}
  if [[ $what == /* ]]; then [[ -e $what ]] && continue
  else command -v "$what" >/dev/null 2>&1 && continue; [[ -x /usr/sbin/$what ]] && continue; fi
  missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing Debian packages (their drivers will be skipped): ${missing[*]}"
    say "  install with: sudo apt-get install -y ${missing[*]}"
  else
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Other apt users may hold the lock for a while; one package that is not
    # available must not stop the others.
    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
      apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1
      for pkg in "${missing[@]}"; do
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1 || say "could not install $pkg"
      done
    }
  fi
fi

# Node peers (native addons built with nan against this Node and libpcap).
mkdir -p bench/out
if [[ ! -f bench/peers/node_modules/cap/build/Release/cap.node || ! -f bench/peers/node_modules/pcap/build/Release/pcap_binding.node ]]; then
  say "installing node peers (cap, pcap) into bench/peers/node_modules"
  # The lock file pins nan too, so every machine builds the same peer sources.
  npm ci --prefix bench/peers --no-audit --no-fund --foreground-scripts >/dev/null 2>bench/out/peers-npm-install.log \
    || say "npm install of the node peers failed (see bench/out/peers-npm-install.log); their drivers will be skipped"
fi

# The project itself: benchmark.js and the addon.
if [[ ! -d node_modules/benchmark ]]; then
  npm install --no-audit --no-fund >/dev/null || say "npm install failed"
fi
if [[ ! -f build/Release/pktkit.node ]] || [[ -n $(find native binding.gyp -newer build/Release/pktkit.node -print -quit 2>/dev/null) ]]; then
  say "building the pktkit addon"
  npx --no-install node-gyp rebuild >/dev/null 2>&1 || say "the pktkit addon does not build yet; its drivers will be skipped"
fi
exit 0
