/**
 * Runs inside a test namespace: sends ICMP echo requests in 802.1Q-tagged
 * frames out of an interface. The receiving veth's kernel takes the tag out of
 * the frame into the skb, as a NIC with VLAN offload does.
 *
 * argv[2]: JSON { iface, dstMac, src, dst, vlan, count }
 */
import { Dot1Q, Ether, ICMP, IP, sendp } from '../../../lib/index';
import { report } from '../../helpers/report';

async function main(): Promise<void> {
  const { iface, dstMac, src, dst, vlan, count } = JSON.parse(process.argv[2]) as {
    iface: string;
    dstMac: string;
    src: string;
    dst: string;
    vlan: number;
    count: number;
  };
  const frames = Array.from({ length: count }, (_, seq) =>
    Ether({ dst: dstMac })
      .div(Dot1Q({ vlan, prio: 3 }))
      .div(IP({ src, dst }))
      .div(ICMP({ id: 0x77, seq })),
  );
  const result = await sendp(frames, { iface, inter: 20 });
  report({ sent: result });
}

void main();
