/**
 * A `clickhouse-server` of the test's own: a temporary directory with a
 * config written here (loopback only, free ports, no default-user password
 * unless asked), started as a tracked child and stopped (SIGTERM, then
 * SIGKILL) and deleted by `stop()` — also when the test fails, through the
 * `t.after` hook — and by cleanup.ts if the test process dies.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { freePort, makeTempDir, type TempDir } from './loopback';
import { run, spawnTracked, stopProcess } from './processes';

/** Where the Debian package puts the server. */
export const CLICKHOUSE_SERVER = ['/usr/bin/clickhouse-server', '/usr/sbin/clickhouse-server'].find((p) =>
  fs.existsSync(p),
);

/** Options for {@link startClickHouse}. */
export interface ClickHouseOptions {
  /** Reuse this directory (a restart keeps the data); default: a new temp dir. */
  dir?: TempDir;
  /** Reuse these ports (a restart keeps the URL). */
  httpPort?: number;
  tcpPort?: number;
  /** A password for the `default` user. */
  password?: string;
  /** `<remote_servers>` body: cluster definitions for Distributed tables. */
  remoteServers?: string;
  /** Run inside this network namespace (then its loopback; ports default to 8123/9000). */
  ns?: string;
  /** node:test context: stop() runs in its after hook. */
  t?: { after(fn: () => unknown): void };
}

/** A running server. */
export interface ClickHouseServer {
  readonly dir: TempDir;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Runs a query over HTTP (the server's own interface, not the client under test); resolves to the body. */
  query(sql: string): Promise<string>;
  /** Stops the server (SIGTERM, SIGKILL after 10 s); `keep` keeps its directory for a restart. */
  stop(keep?: boolean): Promise<void>;
  /** SIGKILL: a crash, no clean shutdown. */
  kill(): Promise<void>;
}

function config(dir: string, httpPort: number, tcpPort: number, remoteServers: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <remote_servers>${remoteServers}</remote_servers>
</yandex>
`;
}

function users(password: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage><log_queries>0</log_queries></default></profiles>
  <users><default><password>${password}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

async function httpQuery(
  port: number,
  sql: string,
  password: string,
  ns?: string,
): Promise<{ status: number; body: string }> {
  if (ns !== undefined) {
    // The server listens on the namespace's loopback: ask from inside it.
    const r = await run(
      ns,
      'curl',
      [
        '-sS',
        '-o',
        '-',
        '-w',
        '\n%{http_code}',
        '-H',
        'X-ClickHouse-User: default',
        '-H',
        `X-ClickHouse-Key: ${password}`,
        '--data-binary',
        '@-',
        `http://127.0.0.1:${port}/`,
      ],
      { input: sql, timeoutMs: 60_000 },
    );
    if (r.code !== 0) throw new Error(`curl: ${r.stderr}`);
    const nl = r.stdout.lastIndexOf('\n');
    return { status: Number(r.stdout.slice(nl + 1)), body: r.stdout.slice(0, nl) };
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': password },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (s: string) => (body += s));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(sql);
  });
}

/** Starts a server and resolves once it answers `SELECT 1`. */
export async function startClickHouse(options: ClickHouseOptions = {}): Promise<ClickHouseServer> {
  if (!CLICKHOUSE_SERVER) throw new Error('clickhouse-server is not installed (scripts/prepare-host.sh installs it)');
  const dir = options.dir ?? makeTempDir('clickhouse');
  const ns = options.ns;
  const httpPort = options.httpPort ?? (ns !== undefined ? 8123 : await freePort());
  let tcpPort = options.tcpPort ?? (ns !== undefined ? 9000 : await freePort());
  while (tcpPort === httpPort) tcpPort = await freePort();
  const password = options.password ?? '';
  for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas'])
    fs.mkdirSync(`${dir.path}/${sub}`, { recursive: true });
  fs.writeFileSync(dir.file('config.xml'), config(dir.path, httpPort, tcpPort, options.remoteServers ?? ''));
  fs.writeFileSync(dir.file('users.xml'), users(password));
  const child = spawnTracked(ns ?? null, CLICKHOUSE_SERVER, [`--config-file=${dir.file('config.xml')}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir.path,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));

  const stop = async (keep = false): Promise<void> => {
    if (!exited) await stopProcess(child, 10_000);
    if (!keep && options.dir === undefined) dir.remove();
  };
  options.t?.after(() => stop());

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      const log = fs.existsSync(dir.file('log/error.log'))
        ? fs.readFileSync(dir.file('log/error.log'), 'utf8').slice(-2000)
        : '';
      await stop();
      throw new Error(`clickhouse-server exited at start: ${stderr}${log}`);
    }
    const r = await httpQuery(httpPort, 'SELECT 1', password, ns).catch(() => undefined);
    if (r !== undefined && r.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`clickhouse-server did not answer within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dir,
    httpPort,
    tcpPort,
    url: `http://127.0.0.1:${httpPort}`,
    child,
    async query(sql: string): Promise<string> {
      const r = await httpQuery(httpPort, sql, password, ns);
      if (r.status !== 200) throw new Error(`ClickHouse said ${r.status} to ${sql}: ${r.body}`);
      return r.body;
    },
    stop,
    async kill(): Promise<void> {
      if (!exited) await stopProcess(child, 0, 'SIGKILL');
    },
  };
}
