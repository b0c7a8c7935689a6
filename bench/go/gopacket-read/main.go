// gopacket's fastest documented path on a pcap file: pcap.OpenOffline (cgo over
// libpcap), ZeroCopyReadPacketData, and a DecodingLayerParser over preallocated
// layers, reading the same five fields as the other drivers. Built by the
// benchmark against Debian's golang-github-google-gopacket-dev (GOPATH mode).
// Prints one line `RESULT {json}`.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcap"
)

// cpuSeconds is the user + system CPU time of the process so far (all its threads).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gopacket-read FILE")
		os.Exit(2)
	}
	cpu0 := cpuSeconds()
	t0 := time.Now()
	handle, err := pcap.OpenOffline(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var (
		eth     layers.Ethernet
		dot1q   layers.Dot1Q
		arp     layers.ARP
		ip4     layers.IPv4
		ip6     layers.IPv6
		tcp     layers.TCP
		udp     layers.UDP
		icmp4   layers.ICMPv4
		icmp6   layers.ICMPv6
		payload gopacket.Payload
	)
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &dot1q, &arp, &ip4, &ip6, &tcp, &udp, &icmp4, &icmp6, &payload)
	// Payloads of protocols it has no decoder for end the chain: not an error here.
	parser.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 10)
	var packets, bytes, tcpCount, sink uint64
	for {
		data, _, err := handle.ZeroCopyReadPacketData()
		if err != nil {
			break
		}
		packets++
		bytes += uint64(len(data))
		_ = parser.DecodeLayers(data, &decoded)
		for _, t := range decoded {
			switch t {
			case layers.LayerTypeIPv4:
				sink += uint64(ip4.SrcIP[3] ^ ip4.DstIP[3])
			case layers.LayerTypeIPv6:
				sink += uint64(ip6.SrcIP[15] ^ ip6.DstIP[15])
			case layers.LayerTypeTCP:
				tcpCount++
				flags := uint64(0)
				if tcp.SYN {
					flags |= 2
				}
				if tcp.ACK {
					flags |= 16
				}
				if tcp.FIN {
					flags |= 1
				}
				sink += uint64(tcp.SrcPort) + uint64(tcp.DstPort) + flags
			case layers.LayerTypeUDP:
				sink += uint64(udp.SrcPort) + uint64(udp.DstPort)
			}
		}
	}
	handle.Close()
	secs := time.Since(t0).Seconds()
	cpu := cpuSeconds() - cpu0
	fmt.Printf("RESULT {\"packets\":%d,\"bytes\":%d,\"seconds\":%.9f,\"cpuSeconds\":%.6f,\"tcp\":%d,\"sink\":%d}\n", packets, bytes, secs, cpu, tcpCount, sink%1000000007)
}
