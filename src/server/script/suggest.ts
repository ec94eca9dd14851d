import { COMMANDS } from './commands';

/** Optimal string alignment distance: Levenshtein plus adjacent swaps ("gte" → "get" is 1). */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current.push(d);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

/** The command a mistyped name most likely meant, ignoring case; undefined when none is close. */
export function suggestCommand(name: string): string | undefined {
  const typed = name.toLowerCase();
  const limit = typed.length <= 3 ? 1 : typed.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const spec of COMMANDS) {
    const candidate = spec.name.toLowerCase();
    // The distance is at least the difference in length, so a long token costs nothing here.
    if (Math.abs(candidate.length - typed.length) >= bestDistance) continue;
    const distance = editDistance(typed, candidate);
    if (distance < bestDistance) {
      best = spec.name;
      bestDistance = distance;
    }
  }
  return best;
}
