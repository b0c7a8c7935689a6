"""Scapy's PcapReader on a pcap file (Debian's python3-scapy), reading the same
five fields as the other drivers. Prints one line `RESULT {json}`.

    /usr/bin/python3 bench/py/scapy_read.py FILE
"""
import json
import sys
import time

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.utils import PcapReader


def main(path):
    packets = bytes_ = tcp = sink = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    with PcapReader(path) as reader:
        for pkt in reader:
            packets += 1
            bytes_ += len(pkt)
            ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
            if ip is not None:
                sink += len(ip.src) + len(ip.dst)
            if TCP in pkt:
                tcp += 1
                t = pkt[TCP]
                sink += t.sport + t.dport + int(t.flags)
            elif UDP in pkt:
                u = pkt[UDP]
                sink += u.sport + u.dport
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    print("RESULT " + json.dumps({"packets": packets, "bytes": bytes_, "seconds": seconds, "cpuSeconds": cpu, "tcp": tcp, "sink": sink % 1000000007}))


if __name__ == "__main__":
    main(sys.argv[1])
