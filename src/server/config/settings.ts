import type { Range } from 'vscode-languageserver-types';
import type { ConfigEntry, ParsedConfig } from './parser';
import { parseJavaInteger } from './values';

/** The effective settings of a file: as with java.util.Properties, the last occurrence of a key wins. */
export class Settings {
  private readonly last = new Map<string, ConfigEntry>();

  constructor(readonly parsed: ParsedConfig, readonly text: string) {
    for (const entry of parsed.entries) this.last.set(entry.key, entry);
  }

  get(key: string): ConfigEntry | undefined {
    return this.last.get(key);
  }

  /** The trimmed value, as QuorumPeerConfig sees it. */
  value(key: string): string | undefined {
    return this.last.get(key)?.value.trim();
  }

  int(key: string): number | undefined {
    const value = this.value(key);
    return value === undefined ? undefined : parseJavaInteger(value);
  }

  /** true/false as QuorumPeerConfig and Boolean.parseBoolean read them. */
  flag(key: string, fallback = false): boolean {
    const value = this.value(key)?.toLowerCase();
    return value === undefined ? fallback : value === 'true';
  }

  /** A range at the top of the file, for settings that are missing altogether. */
  top(): Range {
    const firstLineEnd = this.parsed.lineStarts.length > 1 ? this.parsed.lineStarts[1] : this.text.length;
    const length = this.text.slice(0, firstLineEnd).replace(/[\r\n]+$/, '').length;
    return { start: { line: 0, character: 0 }, end: { line: 0, character: length } };
  }
}
