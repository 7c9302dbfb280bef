import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Peak resident memory of another process, from Linux's /proc: VmHWM is the high-water mark of
 * its RSS, and writing "5" to clear_refs resets that mark to the current RSS.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** The process's peak RSS in bytes since it started or since the last reset. */
export function readPeakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
