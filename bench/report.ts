import { PHASES } from './measure-push.js';
import { PUSHES } from './repetition.js';
import type { Summary } from './summary.js';
import { checkTargets } from './targets.js';
import { count, mb, ms, seconds } from './units.js';

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The figures of one engine and size: per push, its phases, memory, size, floor and ratio; then the targets. */
export function formatSummary(s: Summary): string {
  const wal = PUSHES.some(({ kind }) => s.pushes[kind].walBytes > 0);
  const rows = PUSHES.map(({ kind }) => {
    const p = s.pushes[kind];
    return [
      kind,
      ms(p.e2eMs),
      ms(p.httpMs),
      ...PHASES.map((phase) => ms(p.phases[phase])),
      mb(p.peakRssBytes),
      mb(p.databaseBytes),
      ...(wal ? [mb(p.walBytes)] : []),
      p.readFailures > 0 ? `FAILED ${ms(p.readMs)}` : ms(p.readMs),
      ms(p.decodeFloorMs),
      ms(p.floorMs),
      `${p.ratio.toFixed(2)}x`,
    ];
  });
  const header = ['push', 'e2e ms', 'http ms', ...PHASES.map((p) => `${p} ms`), 'peak RSS', 'DB after', ...(wal ? ['of it WAL'] : []), 'read ms', 'floor decode', 'floor ms', 'ratio'];
  const { load } = s;
  const perTable = Object.entries(load.rowsPerTable)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${count(n)}`)
    .join(', ');
  const targets = checkTargets(s).map((t) => `  [${t.met ? 'met' : 'NOT MET'}] ${t.target}: ${t.detail}`);
  return [
    `${s.engine}, ${s.size}: medians of ${s.runs} run${s.runs === 1 ? '' : 's'}`,
    table(header, rows),
    `  http = end to end minus the server's phases (sending the body, parsing the envelope, routing, answering); read = first page of effective_permissions after the push`,
    `  floor = decode + JSON.parse of the same body (floor decode) + bulk load of the same ${count(load.rows)} rows into ${load.tables} tables (${ms(load.loadMs)} ms) and ${load.indexes} indexes built after (${ms(load.indexMs)} ms)`,
    `  rows: ${perTable}`,
    `  empty database ${mb(s.emptyDatabaseBytes)}; server counts ${JSON.stringify(s.counts)}`,
    'targets:',
    ...targets,
  ].join('\n');
}

/** One Markdown table over every engine and size, for BENCHMARKS.md. */
export function formatMarkdown(summaries: readonly Summary[]): string {
  const header = ['engine', 'size', 'push', 'runs', 'e2e', 'http', ...PHASES, 'peak RSS', 'DB after', 'floor', 'ratio', 'read after'];
  const rows = summaries.flatMap((s) =>
    PUSHES.map(({ kind }) => {
      const p = s.pushes[kind];
      return [s.engine, s.size, kind, String(s.runs), seconds(p.e2eMs), seconds(p.httpMs), ...PHASES.map((phase) => seconds(p.phases[phase])), mb(p.peakRssBytes), p.walBytes > 0 ? `${mb(p.databaseBytes)} (WAL ${mb(p.walBytes)})` : mb(p.databaseBytes), seconds(p.floorMs), `${p.ratio.toFixed(2)}x`, `${p.readFailures > 0 ? 'FAILED ' : ''}${seconds(p.readMs)}`];
    }),
  );
  const floors = summaries.map(
    (s) => [s.engine, s.size, count(s.load.rows), seconds(s.load.loadMs), seconds(s.load.indexMs), seconds(s.pushes['plain, first'].decodeFloorMs), seconds(s.pushes['gzip, first'].decodeFloorMs)],
  );
  const md = (h: string[], r: string[][]) => [`| ${h.join(' | ')} |`, `| ${h.map(() => '---').join(' | ')} |`, ...r.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
  return [md(header, rows), '', md(['engine', 'size', 'rows', 'floor load', 'floor indexes', 'floor decode plain', 'floor decode gzip'], floors)].join('\n');
}
