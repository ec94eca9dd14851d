import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { diagnose } from '../../../../src/server/config/diagnostics';

export const SEVERITY_NAMES = ['', 'error', 'warning', 'information', 'hint'] as const;

export const range = (l1: number, c1: number, l2: number, c2: number): Range => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

/** `severity code line:from-to` for one-line ranges, `…line:from-line:to` otherwise. */
export function summarize(d: Diagnostic): string {
  const { start, end } = d.range;
  const where = start.line === end.line ? `${start.line}:${start.character}-${end.character}` : `${start.line}:${start.character}-${end.line}:${end.character}`;
  return `${SEVERITY_NAMES[d.severity ?? 0]} ${String(d.code)} ${where}`;
}

/** The base of a valid standalone configuration, so a test only sees the diagnostics of its own lines. */
export const BASE = 'tickTime=2000\ndataDir=/var/lib/zookeeper\nclientPort=2181\n';
export const BASE_LINES = 3;

/** Diagnostics of `BASE + lines`, summarized, with line numbers relative to `lines`. */
export function check(lines: string, base = BASE): string[] {
  const offset = base.split('\n').length - 1;
  return diagnose(base + lines).map((d) => {
    const shifted = {
      ...d,
      range: {
        start: { line: d.range.start.line - offset, character: d.range.start.character },
        end: { line: d.range.end.line - offset, character: d.range.end.character },
      },
    };
    return summarize(shifted);
  });
}

/** The diagnostics with `code`, from `BASE + lines`. */
export function withCode(lines: string, code: string, base = BASE): Diagnostic[] {
  return diagnose(base + lines).filter((d) => d.code === code);
}

/** A three-server ensemble on top of BASE, for rules that need a replicated configuration. */
export const ENSEMBLE = `${BASE}initLimit=10\nsyncLimit=5\nserver.1=zk1:2888:3888\nserver.2=zk2:2888:3888\nserver.3=zk3:2888:3888\n`;
