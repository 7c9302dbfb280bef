import { READ_TIMEOUT_MS } from './measure-push.js';
import type { Summary } from './summary.js';
import { PUSHES } from './repetition.js';
import { mb, seconds } from './units.js';

/** The issue's targets (issue 4, "Targets"), checked on the medians of one engine and size. */
export const TARGET_E2E_MS = 10_000;
export const TARGET_PEAK_RSS_BYTES = 1.5e9;
export const TARGET_RATIO = 2;

export interface TargetCheck {
  target: string;
  met: boolean;
  detail: string;
}

export function checkTargets(s: Summary): TargetCheck[] {
  const all = PUSHES.map((p) => ({ kind: p.kind, ...s.pushes[p.kind] }));
  const worst = <K extends 'e2eMs' | 'peakRssBytes' | 'ratio'>(key: K) => all.reduce((a, b) => (b[key] > a[key] ? b : a));
  const slowest = worst('e2eMs');
  const hungriest = worst('peakRssBytes');
  const farthest = worst('ratio');
  // A copy: what the first push of the payload added to the empty database.
  const copy = s.pushes['plain, first'].databaseBytes - s.emptyDatabaseBytes;
  const growth = (c: 'plain' | 'gzip') => s.pushes[`${c}, second`].databaseBytes - s.pushes[`${c}, first`].databaseBytes;
  const cost = (c: 'plain' | 'gzip') => `${c} ${seconds(s.pushes[`${c}, first`].e2eMs)} then ${seconds(s.pushes[`${c}, second`].e2eMs)}`;
  const grew = (c: 'plain' | 'gzip') => `${c} second push ${growth(c) >= 0 ? '+' : ''}${mb(growth(c))}`;
  const unanswered = all.filter((p) => p.readFailures > 0);
  return [
    {
      target: 'answerable after each push (first page of effective_permissions, with rows)',
      met: unanswered.length === 0,
      detail: unanswered.length === 0 ? 'every read returned rows' : `an error, no rows or no answer within ${seconds(READ_TIMEOUT_MS)} after: ${unanswered.map((p) => p.kind).join(', ')}`,
    },
    {
      target: `end to end <= ${seconds(TARGET_E2E_MS)} (set for the ~100 MB payload)`,
      met: slowest.e2eMs <= TARGET_E2E_MS,
      detail: `slowest: ${slowest.kind} ${seconds(slowest.e2eMs)}`,
    },
    {
      target: `peak RSS <= ${mb(TARGET_PEAK_RSS_BYTES)}`,
      met: hungriest.peakRssBytes <= TARGET_PEAK_RSS_BYTES,
      detail: `highest: ${hungriest.kind} ${mb(hungriest.peakRssBytes)}`,
    },
    {
      target: `end to end <= ${TARGET_RATIO}x floor`,
      met: farthest.ratio <= TARGET_RATIO,
      detail: `worst: ${farthest.kind} ${farthest.ratio.toFixed(2)}x`,
    },
    {
      target: 'second push costs no more than the first',
      met: (['plain', 'gzip'] as const).every((c) => s.pushes[`${c}, second`].e2eMs <= s.pushes[`${c}, first`].e2eMs),
      detail: `${cost('plain')}; ${cost('gzip')}`,
    },
    {
      target: 'a second push does not grow the database by a copy (grows by less than half the first push)',
      met: growth('plain') < copy / 2 && growth('gzip') < copy / 2,
      detail: `first push +${mb(copy)}; ${grew('plain')}; ${grew('gzip')}`,
    },
  ];
}
