#!/usr/bin/env bash
# Regenerates the capture fixtures in test/fixtures/pcap/ (see test/fixtures/FIXTURES.md).
#
# Needs root: every capture runs in network namespaces this script creates and
# deletes again (also on failure), so the files hold only the traffic made here
# and nothing from the host. Addresses are 198.18.0.0/15 and fd00::/8 only;
# there is no default route. Every traffic source is bounded (ping -c, a fixed
# number of requests).
#
# Usage: sudo bash scripts/make-fixtures.sh [outdir]   (default test/fixtures/pcap)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-test/fixtures/pcap}
[[ $(id -u) -eq 0 ]] || { echo "make-fixtures: run as root (it creates network namespaces)" >&2; exit 1; }
for tool in ip tcpdump editcap node python3 ping; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is missing (bash scripts/prepare-host.sh)" >&2; exit 1; }
done
mkdir -p "$out"

tag="pkfix-$$"
nsL="$tag-lo" nsA="$tag-a" nsB="$tag-b"
work=$(mktemp -d)
tcpdumps=()

cleanup() {
  # tcpdumps still running (only on failure): ours, by PID
  for pid in "${tcpdumps[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${tcpdumps[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "$nsL" "$nsA" "$nsB"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# start_capture NS FILE ARGS... : tcpdump in NS writing FILE; returns once it is listening
start_capture() {
  local ns=$1 file=$2; shift 2
  local log="$work/$(basename "$file").log"
  ip netns exec "$ns" tcpdump -n -U --immediate-mode -Z root -w "$file" "$@" 2>"$log" &
  tcpdumps+=($!)
  for _ in $(seq 100); do grep -q "listening on" "$log" && return 0; sleep 0.05; done
  echo "make-fixtures: tcpdump did not start: $(cat "$log")" >&2
  exit 1
}

# stop_captures: let tcpdump drain what the kernel holds, then SIGINT and wait for each
stop_captures() {
  sleep 0.5
  for pid in "${tcpdumps[@]}"; do kill -INT "$pid"; done
  for pid in "${tcpdumps[@]}"; do wait "$pid" || true; done
  tcpdumps=()
}

# cut_mid_record IN OUT N : copies IN up to the middle of record N's packet bytes (classic pcap)
cut_mid_record() {
  python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
end = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
off = 24
for _ in range(n):
    off += 16 + struct.unpack_from(end + 'I', data, off + 8)[0]
caplen = struct.unpack_from(end + 'I', data, off + 8)[0]
open(dst, 'wb').write(data[:off + 16 + caplen // 2])
PY
}

# ---------------------------------------------------------------------------
# 1. HTTP on loopback: a real Node server and client on 127.0.0.1, in a private
#    namespace so the capture holds nothing else. Three tcpdumps watch the same
#    packets: microsecond, nanosecond, and snaplen 96 (caplen < wire length).
ip netns add "$nsL"
ip -n "$nsL" link set lo up
start_capture "$nsL" "$out/http-lo.pcap" -i lo tcp port 8080
start_capture "$nsL" "$out/http-lo-nsec.pcap" -i lo --time-stamp-precision=nano tcp port 8080
start_capture "$nsL" "$out/http-lo-snap96.pcap" -i lo -s 96 tcp port 8080
ip netns exec "$nsL" node -e '
const http = require("node:http");
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    res.setHeader("content-type", "text/plain");
    res.end(req.method === "POST" ? `got ${body.length} bytes\n` : "hello from pktkit\n".repeat(120));
  });
});
server.listen(8080, "127.0.0.1", async () => {
  const ask = (method, path, body) => new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: 8080, method, path, agent: false,
      headers: { connection: "close", "user-agent": "pktkit-fixture" } }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end(body);
  });
  await ask("GET", "/small");
  await ask("POST", "/echo", "x=1&y=2");
  await ask("GET", "/large");
  server.close();
});
'
stop_captures
editcap -F pcapng "$out/http-lo-nsec.pcap" "$out/http-lo.pcapng"
cut_mid_record "$out/http-lo.pcap" "$out/http-lo-truncated.pcap" 5

# ---------------------------------------------------------------------------
# 2. Two namespaces joined by a veth pair: ARP, IPv4 and IPv6 echo, neighbour
#    discovery, UDP, ICMP port unreachable, a TCP exchange, IPv4 and IPv6
#    fragments; tagged frames (802.1Q, 802.1ad+802.1Q) sent through a packet
#    socket, since this kernel may lack the 8021q module for VLAN devices; and
#    the ICMP seen through "any" as Linux cooked v1 and v2.
ip netns add "$nsA"
ip netns add "$nsB"
ip link add pkfixa netns "$nsA" type veth peer name pkfixb netns "$nsB"
# fixed MACs, so regenerated files differ only in timestamps, ports and ids
ip -n "$nsA" link set pkfixa address 02:00:5e:10:00:0a
ip -n "$nsB" link set pkfixb address 02:00:5e:10:00:0b
for side in A:pkfixa:1 B:pkfixb:2; do
  IFS=: read -r s ifc h <<<"$side"
  ns=$([[ $s == A ]] && echo "$nsA" || echo "$nsB")
  ip netns exec "$ns" sysctl -q -w "net.ipv6.conf.$ifc.router_solicitations=0" "net.ipv6.conf.$ifc.accept_dad=0"
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "198.18.200.$h/24" dev "$ifc"
  ip -n "$ns" -6 addr add "fd00:0:0:c8::$h/64" dev "$ifc" nodad
  ip -n "$ns" link set "$ifc" up
done

start_capture "$nsA" "$out/veth-mixed.pcap" -i pkfixa not vlan
start_capture "$nsA" "$out/veth-vlan.pcap" -i pkfixa vlan
start_capture "$nsA" "$out/any-sll.pcap" -i any -y LINUX_SLL icmp
start_capture "$nsA" "$out/any-sll2.pcap" -i any -y LINUX_SLL2 icmp
a() { ip netns exec "$nsA" "$@"; }
b() { ip netns exec "$nsB" "$@"; }
a ping -4 -c 2 -i 0.2 -W 2 198.18.200.2 >/dev/null
a ping -6 -c 2 -i 0.2 -W 2 fd00:0:0:c8::2 >/dev/null
a ping -4 -c 1 -s 3000 -W 2 198.18.200.2 >/dev/null   # IPv4 fragments (MTU 1500)
a ping -6 -c 1 -s 3000 -W 2 fd00:0:0:c8::2 >/dev/null # IPv6 fragment headers
a python3 -c '
import socket
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s4.sendto(b"pktkit udp v4", ("198.18.200.2", 9))      # nothing listens: ICMP port unreachable
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.sendto(b"pktkit udp v6", ("fd00:0:0:c8::2", 9))     # ICMPv6 port unreachable
'
b python3 -c '
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("198.18.200.2", 7000)); srv.listen(1); srv.settimeout(5)
c, _ = srv.accept(); data = c.recv(100); c.sendall(b"echo:" + data); c.close()
' &
server=$!
sleep 0.3
a python3 -c '
import socket
c = socket.create_connection(("198.18.200.2", 7000), timeout=5)
c.sendall(b"hello tcp"); c.recv(100); c.close()
'
wait "$server"
a python3 - <<'PY'
# Tagged frames from A to B, built by hand: the kernel has no VLAN device for them.
import socket, struct
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def ipv4(proto, src, dst, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def echo(ident, seq, data):
    h = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]
def udp(src, dst, sport, dport, data):
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, 8 + len(data))
    h = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return h[:6] + struct.pack("!H", csum(ph + h) or 0xffff) + h[8:]
def ipv6udp(src, dst, sport, dport, data):
    s6, d6 = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    n = 8 + len(data)
    h = struct.pack("!HHHH", sport, dport, n, 0) + data
    c = csum(s6 + d6 + struct.pack("!IxxxB", n, 17) + h) or 0xffff
    return struct.pack("!IHBB", 0x60000000, n, 17, 64) + s6 + d6 + h[:6] + struct.pack("!H", c) + h[8:]
dst, src = bytes.fromhex("02005e10000b"), bytes.fromhex("02005e10000a")
tag = lambda tpid, pcp, vid: struct.pack("!HH", tpid, (pcp << 13) | vid)
frames = [
    # 802.1Q VID 100 PCP 5: ICMP echo request
    dst + src + tag(0x8100, 5, 100) + struct.pack("!H", 0x0800)
        + ipv4(1, "198.18.201.1", "198.18.201.2", echo(0x1234, 1, b"pktkit vlan"), 1),
    # 802.1Q VID 100: ARP request
    dst + src + tag(0x8100, 0, 100) + struct.pack("!H", 0x0806)
        + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src, socket.inet_aton("198.18.201.1"),
                      b"\0" * 6, socket.inet_aton("198.18.201.2")),
    # 802.1ad VID 200 outer, 802.1Q VID 300 PCP 3 inner: UDP
    dst + src + tag(0x88a8, 0, 200) + tag(0x8100, 3, 300) + struct.pack("!H", 0x0800)
        + ipv4(17, "198.18.202.1", "198.18.202.2", udp("198.18.202.1", "198.18.202.2", 40000, 9, b"pktkit qinq"), 2),
    # 802.1Q VID 300 carrying IPv6 (hop limit 64, UDP to port 9)
    dst + src + tag(0x8100, 0, 300) + struct.pack("!H", 0x86dd)
        + ipv6udp("fd00:0:0:c9::1", "fd00:0:0:c9::2", 40001, 9, b"pktkit vlan6"),
]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("pkfixa", 0))
for f in frames:
    s.send(f)
PY
stop_captures

for f in "$out"/*.pcap "$out"/*.pcapng; do
  printf '%-28s %7d bytes  %s\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(capinfos -c -M "$f" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2 " packets"}')"
done
