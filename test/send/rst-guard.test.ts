/**
 * The RST guard's table lives exactly as long as its holder: removed by
 * close(), by SIGTERM/SIGINT (and the signal still ends the process), and,
 * for a holder killed outright, by the next run. Argument errors need no
 * privileges. (The guard at work against a real server: tcp.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rstGuard } from '../../lib/index';
import { createNetPair, type NetPair } from '../helpers/netns';
import { runNodeInNs, startNodeInNs } from '../helpers/node-in-ns';

const SCRIPT = 'test/send/scripts/rst-guard-hold.ts';

async function tables(net: NetPair): Promise<string> {
  return (await net.execOk(net.nsA, 'nft', ['list', 'tables'])).stdout;
}

async function hold(net: NetPair): Promise<{ table: string; holder: ReturnType<typeof startNodeInNs> }> {
  const holder = startNodeInNs(net.nsA, SCRIPT, ['hold', JSON.stringify({ dst: net.ipB, port: 8080 })]);
  const m = await holder.waitFor<{ table?: string; error?: unknown }>(
    (x) => typeof x === 'object' && x !== null && ('table' in x || 'error' in x),
  );
  assert.equal(m.error, undefined, JSON.stringify(m.error));
  return { table: m.table!, holder };
}

describe('RST guard lifetime', () => {
  it('one table per guard, named with the pid, one counted drop rule per flow; close() removes it', async (t) => {
    const net = await createNetPair({ prefix: 'rgc', t });
    const { table, holder } = await hold(net);
    assert.match(table, new RegExp(`^pktkit_rst_${holder.child.pid}_\\d+$`));
    const listed = (await net.execOk(net.nsA, 'nft', ['list', 'table', 'inet', table])).stdout;
    assert.match(
      listed,
      new RegExp(
        `ip daddr ${net.ipB.replace(/\./g, '\\.')} tcp sport 40000 tcp dport 8080 tcp flags & rst == rst counter packets 0 bytes 0 drop`,
      ),
    );
    assert.match(
      listed,
      new RegExp(
        `ip daddr ${net.ipB.replace(/\./g, '\\.')} tcp dport 8081 tcp flags & rst == rst counter packets 0 bytes 0 drop`,
      ),
    );
    holder.send({ cmd: 'close' });
    await holder.waitFor((m) => (m as { closed?: boolean }).closed === true);
    assert.equal((await holder.done).code, 0);
    assert.equal(await tables(net), '');
  });

  it('a process that exits without closing its guard leaves no table', async (t) => {
    const net = await createNetPair({ prefix: 'rge', t });
    const r = await runNodeInNs(net.nsA, SCRIPT, ['exit', JSON.stringify({ dst: net.ipB, port: 8080 })]);
    assert.equal(r.code, 3, r.stderr);
    assert.match((r.messages[0] as { table: string }).table, /^pktkit_rst_\d+_1$/);
    assert.equal(await tables(net), '');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} removes the table and still ends the process by that signal`, async (t) => {
      const net = await createNetPair({ prefix: 'rgs', t });
      const { table, holder } = await hold(net);
      assert.ok((await tables(net)).includes(table));
      holder.child.kill(signal);
      const r = await holder.done;
      assert.equal(r.signal, signal, `exit: ${r.code} ${r.signal} ${r.stderr}`);
      assert.equal(await tables(net), '');
    });
  }

  it("a table left by a SIGKILLed holder is removed by the next run, a live holder's is kept", async (t) => {
    const net = await createNetPair({ prefix: 'rgk', t });
    const dead = await hold(net);
    const alive = await hold(net);
    dead.holder.child.kill('SIGKILL');
    await dead.holder.done;
    const before = await tables(net);
    assert.ok(before.includes(dead.table) && before.includes(alive.table), before);
    const r = await runNodeInNs(net.nsA, SCRIPT, ['stale']);
    assert.deepEqual(r.messages, [{ removed: [dead.table] }], r.stderr);
    assert.equal((await tables(net)).trim(), `table inet ${alive.table}`);
    alive.holder.send({ cmd: 'close' });
    await alive.holder.done;
    assert.equal(await tables(net), '');
  });

  it('bad flows are a TypeError that says what was expected and what came', async () => {
    await assert.rejects(
      rstGuard({ dst: 'example', dport: 80 }),
      /Expected an IPv4 or IPv6 address for rstGuard\(\) flow 0 dst but received 'example' of type string/,
    );
    await assert.rejects(
      rstGuard({ dst: '198.18.0.2', dport: 0 }),
      /Expected a port 1\.\.65535 for rstGuard\(\) flow 0 dport but received 0 of type number/,
    );
    await assert.rejects(
      rstGuard({ dst: '198.18.0.2', dport: 80, src: 'fd00::1' }),
      /Expected an IPv4 address like dst for rstGuard\(\) flow 0 src/,
    );
    await assert.rejects(rstGuard([]), /Expected at least one flow/);
  });
});
