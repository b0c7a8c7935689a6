/**
 * The table printed after the packets: one row per TCP connection with what
 * each side sent, how long it lasted, and how it opened and closed.
 */
import type { ConversationSummary } from '../tcp/conversations';
import { endpoint } from './format-line';

/** Formats a duration in seconds as tcpdump-like `0.001234s`. */
export function formatDuration(seconds: number): string {
  return `${seconds.toFixed(6)}s`;
}

/** The conversation table as lines (no trailing newline), or an empty array when there were none. */
export function conversationTable(rows: readonly ConversationSummary[]): string[] {
  if (rows.length === 0) return [];
  const header = [
    'stream',
    'client',
    'server',
    'c>s pkts',
    'c>s bytes',
    's>c pkts',
    's>c bytes',
    'duration',
    'opened',
    'closed',
  ];
  const body = rows.map((r) => [
    String(r.stream),
    endpoint(r.client.addr, r.client.port),
    endpoint(r.server.addr, r.server.port),
    String(r.clientToServer.packets),
    String(r.clientToServer.payloadBytes),
    String(r.serverToClient.packets),
    String(r.serverToClient.payloadBytes),
    formatDuration(r.duration),
    r.opened,
    r.closed,
  ]);
  // A loop, not Math.max(...column): a capture may hold more connections than a call takes arguments.
  const widths = header.map((h) => h.length);
  for (const row of body) row.forEach((cell, i) => (widths[i] = Math.max(widths[i]!, cell.length)));
  // Numbers right-aligned, text left-aligned; the last column is not padded.
  const numeric = new Set([0, 3, 4, 5, 6, 7]);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ');
  return [`TCP conversations (bytes are TCP payload, retransmissions included):`, line(header), ...body.map(line)];
}
