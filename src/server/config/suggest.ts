import { EXACT_KEYS, PROPERTIES } from './properties';

/** Families of keys whose part after the dot is free (an id or a name). */
const FAMILIES = ['server', 'group', 'weight', 'authProvider'];

const candidates: { key: string; lower: string }[] = [
  ...EXACT_KEYS.map((key) => ({ key, lower: key.toLowerCase() })),
  ...PROPERTIES.filter((p) => p.guideName !== undefined).map((p) => ({ key: p.key, lower: (p.guideName ?? '').toLowerCase() })),
];

const cache = new Map<string, string | undefined>();

/** The catalogue key `key` was most likely meant to be (case-insensitive, small edit distance). */
export function suggestKey(key: string): string | undefined {
  if (cache.has(key)) return cache.get(key);
  const suggestion = suggestFamily(key) ?? closest(key.toLowerCase(), candidates);
  if (cache.size > 10_000) cache.clear();
  cache.set(key, suggestion);
  return suggestion;
}

function suggestFamily(key: string): string | undefined {
  const dot = key.indexOf('.');
  if (dot <= 0) return undefined;
  const head = key.slice(0, dot).toLowerCase();
  const tail = key.slice(dot + 1);
  if (tail === '' || EXACT_KEYS.some((k) => k.toLowerCase() === key.toLowerCase())) return undefined;
  const family = closest(head, FAMILIES.map((f) => ({ key: f, lower: f.toLowerCase() })));
  return family === undefined ? undefined : `${family}.${tail}`;
}

function closest(lower: string, options: readonly { key: string; lower: string }[]): string | undefined {
  const budget = lower.length <= 4 ? 1 : lower.length <= 10 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const option of options) {
    if (Math.abs(option.lower.length - lower.length) >= bestDistance) continue;
    const d = distance(lower, option.lower, bestDistance);
    if (d < bestDistance && d * 2 < option.lower.length) {
      best = option.key;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), cut off at `limit`. */
export function distance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin >= limit) return limit;
    before = previous;
    previous = current;
  }
  return previous[b.length];
}
