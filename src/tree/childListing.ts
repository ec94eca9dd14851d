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

/**
 * The children of one expanded node as the tree shows them: ZooKeeper lists all names at once, the
 * tree shows them a page at a time (plus names pinned by "Go to Path"), optionally filtered.
 */
export class ChildListing {
  shown = 0;
  readonly pinned = new Set<string>();
  readonly stats = new Map<string, ZnodeStat>();
  private filterText: string | undefined;
  /** The names matching the filter: `names` itself (not a copy) when there is no filter. */
  private matching: readonly string[];

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
    this.shown = 0;
  }

  get matchCount(): number {
    return this.matching.length;
  }

  /** Grows the shown part to at least one page, or by one more page. */
  showPage(pageSize: number, more = false): void {
    this.shown = Math.min(this.matching.length, more ? this.shown + pageSize : Math.max(this.shown, pageSize));
  }

  pin(name: string): void {
    if (this.names.includes(name)) this.pinned.add(name);
  }

  /** The names to show now: the first `shown` matches, then pinned names beyond them. */
  page(): { names: string[]; remaining: number } {
    const head = this.matching.slice(0, this.shown);
    const inHead = new Set(head);
    const extra = [...this.pinned].filter((name) => !inHead.has(name));
    return { names: [...head, ...extra], remaining: this.matching.length - this.shown - extra.filter((n) => this.matching.includes(n)).length };
  }
}
