/**
 * Runs inside a test namespace: captures live and writes every packet to a
 * pcap file as pktkit delivers it, reporting each packet's summary and VLAN
 * id; on {"cmd":"stop"} closes both and reports the stats.
 *
 * argv[2]: JSON { device, file, options? }
 */
import { openLive, openWriter, type LiveOptions } from '../../../lib/index';
import { readCommands, report } from '../../helpers/report';

async function main(): Promise<void> {
  const { device, file, options } = JSON.parse(process.argv[2]) as {
    device: string;
    file: string;
    options?: LiveOptions;
  };
  const cap = openLive(device, { immediate: true, ...options });
  const writer = openWriter(file, { linkType: cap.linkType, precision: 'micro' });
  void (async () => {
    for await (const command of readCommands()) if ((command as { cmd: string }).cmd === 'stop') cap.close();
  })();
  report({ ready: true, linkType: cap.linkType, engine: cap.engine });
  for await (const p of cap) {
    writer.writePacket(p);
    report({ packet: { summary: p.summary(), vlan: p.vlan?.id ?? null, iface: p.pktType } });
  }
  await writer.close();
  report({ stats: cap.stats(), closed: true });
  process.exit(0);
}

void main();
