/**
 * sr's timeout, retry (positive and Scapy's negative "until no progress"),
 * inter and abort, on echo requests nsB's firewall drops: the number of
 * requests on the wire (tcpdump on nsB's veth, which sees them before the
 * firewall) and the elapsed times must follow the options.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { makeTempDir } from '../helpers/loopback';
import { createNetPair } from '../helpers/netns';
import { runNodeInNs } from '../helpers/node-in-ns';
import { startTcpdump } from '../helpers/tcpdump';
import { tsharkFields } from '../helpers/tshark';

type Timed = { ms: number; answered: number; unanswered: number };

describe('sr options', () => {
  it('timeout, retry, retry < 0, inter and abort', async (t) => {
    const net = await createNetPair({ prefix: 'sropt', t, ipv6: false });
    const dir = makeTempDir('sropt');
    t.after(() => dir.remove());
    // id 0x5151 = 20817: requests that get no answer.
    await net.execOk(net.nsB, 'nft', [
      'add table ip pktkit_test ; add chain ip pktkit_test in { type filter hook input priority 0 ; } ; ' +
        'add rule ip pktkit_test in icmp type echo-request icmp id 20817 drop',
    ]);
    const file = path.join(dir.path, 'requests.pcap');
    const dump = await startTcpdump({ ns: net.nsB, iface: net.ifB, file, filter: 'icmp[icmptype] == icmp-echo' });
    const r = await runNodeInNs(
      net.nsA,
      'test/send/scripts/sr-cases.ts',
      ['silent', JSON.stringify({ dst: net.ipB })],
      { timeoutMs: 20_000 },
    );
    await dump.stop({ packets: 1 + 3 + 3 + 4 + 1 });
    const m = r.messages[0] as { result?: Record<string, Timed>; error?: unknown };
    assert.ok(m?.result, JSON.stringify(m) + r.stderr);
    const { timeout, retry, autostop, inter, abort } = m.result;

    const seqs = (await tsharkFields(file, ['icmp.ident', 'icmp.seq'])).map(
      (row) => `${Number(row['icmp.ident']).toString(16)}:${row['icmp.seq']}`,
    );
    const sentOf = (seq: number) => seqs.filter((s) => s === `5151:${seq}`).length;

    // timeout: one request, waited for 400 ms.
    assert.deepEqual([timeout.answered, timeout.unanswered, sentOf(1)], [0, 1, 1]);
    assert.ok(timeout.ms >= 390 && timeout.ms < 1500, `timeout took ${timeout.ms} ms`);
    // retry 2: three rounds of 200 ms.
    assert.deepEqual([retry.unanswered, sentOf(2)], [1, 3]);
    assert.ok(retry.ms >= 590, `retry took ${retry.ms} ms`);
    // retry -2: rounds while they bring answers, then two more without progress (Scapy's autostop): three rounds here.
    assert.deepEqual([autostop.unanswered, sentOf(3)], [1, 3]);
    // inter 150 ms between four packets, one of them answered.
    assert.deepEqual([inter.answered, inter.unanswered, sentOf(4), sentOf(5), sentOf(6)], [1, 3, 1, 1, 1]);
    assert.ok(inter.ms >= 440, `inter took ${inter.ms} ms`);
    assert.ok(seqs.includes('5252:1'));
    // abort after 300 ms ends a 5 s wait.
    assert.deepEqual([abort.unanswered, sentOf(7)], [1, 1]);
    assert.ok(abort.ms >= 290 && abort.ms < 1500, `abort took ${abort.ms} ms`);
  });
});
