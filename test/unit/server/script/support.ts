import type { Range } from 'vscode-languageserver-types';

export function r(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

export function at(line: number, character: number): { line: number; character: number } {
  return { line, character };
}

/** A small deterministic generator, so that a failing fuzz case can be reproduced. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
