import type { ZnodeStat } from '../zk/stat';

/** A glob (`*`, `?`) when the text has one of those, else a case-insensitive substring. */
export function childMatcher(filter: string): (name: string) => boolean {
  const text = filter.trim();
  if (!text) return () => true;
  if (/[*?]/.test(text)) {
    const source = text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    const pattern = new RegExp(`^${source}$`, 'i');
    return (name) => pattern.test(name);
  }
  const needle = text.toLowerCase();
  return (name) => name.toLowerCase().includes(needle);
}

/** A run of consecutive matching children, `start` to `end` (exclusive) in the listing's order. */
export interface ChildRange {
  readonly start: number;
  readonly end: number;
  readonly first: string;
  readonly last: string;
}

/**
 * The children of one expanded node as the tree shows them: ZooKeeper lists all names at once.
 * Up to `rangeSize` matches are shown directly; more are grouped into index ranges of `rangeSize`
 * that expand on demand (as VS Code's debugger does with big arrays), so every child is one click
 * away and only an opened range's stats are read. Names pinned by Go to Path that the filter hides
 * are shown after the matches.
 */
export class ChildListing {
  readonly pinned = new Set<string>();
  readonly stats = new Map<string, ZnodeStat>();
  private filterText: string | undefined;
  /** The names matching the filter: `names` itself (not a copy) when there is no filter. */
  private matching: readonly string[];
  /** Position of each match, built on the first lookup (reveal, Go to Path) and dropped with the filter. */
  private positions: Map<string, number> | undefined;
  private nameSet: Set<string> | undefined;

  constructor(
    /** All children, sorted. */
    readonly names: readonly string[],
    /** The listed node's own stat, read with its children (getChildren2). */
    readonly parentStat?: ZnodeStat,
  ) {
    this.matching = names;
  }

  get filter(): string | undefined {
    return this.filterText;
  }

  setFilter(filter: string | undefined): void {
    this.filterText = filter?.trim() ? filter.trim() : undefined;
    this.matching = this.filterText === undefined ? this.names : this.names.filter(childMatcher(this.filterText));
    this.positions = undefined;
  }

  get matchCount(): number {
    return this.matching.length;
  }

  /** The matching names, in order. */
  get matches(): readonly string[] {
    return this.matching;
  }

  has(name: string): boolean {
    this.nameSet ??= new Set(this.names);
    return this.nameSet.has(name);
  }

  pin(name: string): void {
    if (this.has(name)) this.pinned.add(name);
  }

  /** Pinned names the filter hides: shown after the matches so that a revealed node stays in view. */
  hiddenPins(): string[] {
    if (this.filterText === undefined) return [];
    return [...this.pinned].filter((name) => this.positionOf(name) === undefined);
  }

  /** The matches in ranges of `rangeSize`; none when they all fit in one (then they are shown directly). */
  ranges(rangeSize: number): ChildRange[] {
    const total = this.matching.length;
    if (total <= rangeSize) return [];
    const ranges: ChildRange[] = [];
    for (let start = 0; start < total; start += rangeSize) {
      const end = Math.min(total, start + rangeSize);
      ranges.push({ start, end, first: this.matching[start], last: this.matching[end - 1] });
    }
    return ranges;
  }

  /** The range a matching name is in, or undefined when it is shown directly (or not a match). */
  rangeOf(name: string, rangeSize: number): ChildRange | undefined {
    if (this.matching.length <= rangeSize) return undefined;
    const position = this.positionOf(name);
    if (position === undefined) return undefined;
    const start = position - (position % rangeSize);
    const end = Math.min(this.matching.length, start + rangeSize);
    return { start, end, first: this.matching[start], last: this.matching[end - 1] };
  }

  /** The matches from start to end (exclusive). */
  slice(start: number, end: number): readonly string[] {
    return this.matching.slice(start, end);
  }

  private positionOf(name: string): number | undefined {
    if (!this.positions) {
      this.positions = new Map();
      this.matching.forEach((n, i) => this.positions!.set(n, i));
    }
    return this.positions.get(name);
  }
}
