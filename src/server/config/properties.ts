import { ADVANCED } from './catalogue/advanced';
import { BASIC } from './catalogue/basic';
import { CLUSTER } from './catalogue/cluster';
import { OPERATIONS } from './catalogue/operations';
import { SECURITY } from './catalogue/security';

export type PropertyType =
  | { readonly kind: 'int' | 'long'; readonly unit?: Unit }
  | { readonly kind: 'double' }
  | { readonly kind: 'boolean' }
  /** Read with `equals("yes")`/`equals("no")`: `true`/`false` do not work. */
  | { readonly kind: 'yesno' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A TCP port; `zeroMeansUnset` where ZooKeeper treats 0 as "not configured". */
  | { readonly kind: 'port'; readonly zeroMeansUnset?: boolean }
  | { readonly kind: 'host' }
  | { readonly kind: 'path' }
  | { readonly kind: 'className'; readonly suggestions?: readonly string[] }
  /** Comma-separated; `items` when the allowed words are known. */
  | { readonly kind: 'list'; readonly items?: readonly string[] }
  | { readonly kind: 'string' }
  | { readonly kind: 'server' | 'group' | 'weight' };

export type Unit = 'ms' | 'seconds' | 'hours' | 'ticks' | 'KB' | 'bytes';

export type Section =
  | 'basic'
  | 'advanced'
  | 'cluster'
  | 'security'
  | 'adminServer'
  | 'metrics'
  | 'performance'
  | 'debug'
  | 'unsafe'
  | 'experimental';

/**
 * Who reads the value, which decides what a bad value does:
 * - `config`: QuorumPeerConfig parses it itself; a bad value stops the server at start-up.
 * - `provider`: handed to the metrics provider, which parses numbers strictly.
 * - `system`: QuorumPeerConfig passes unknown keys on as the system property `zookeeper.<key>`,
 *   whose reader usually falls back to its default on a bad value.
 * - `jvm`: only read as a JVM `-D` option under another name: writing it in zoo.cfg has no effect.
 */
export type ReadBy = 'config' | 'provider' | 'system' | 'jvm';

export interface PropertyInfo {
  /** As written in zoo.cfg; a pattern such as `server.<id>` for families of keys. */
  readonly key: string;
  readonly type: PropertyType;
  readonly default?: string;
  readonly doc: string;
  readonly section: Section;
  readonly readBy: ReadBy;
  readonly since?: string;
  /** The JVM property, for `jvm` entries. */
  readonly systemProperty?: string;
  /** The name the Administrator's Guide uses, when it is not a key that works in zoo.cfg. */
  readonly guideName?: string;
  readonly required?: boolean;
}

export const SECTION_TITLES: Record<Section, string> = {
  basic: 'Minimum configuration',
  advanced: 'Advanced configuration',
  cluster: 'Cluster options',
  security: 'Encryption, authentication, authorization',
  adminServer: 'AdminServer',
  metrics: 'Metrics providers',
  performance: 'Performance tuning',
  debug: 'Debug observability',
  unsafe: 'Unsafe options',
  experimental: 'Experimental options',
};

export const PROPERTIES: readonly PropertyInfo[] = [...BASIC, ...ADVANCED, ...CLUSTER, ...SECURITY, ...OPERATIONS];

const exact = new Map<string, PropertyInfo>();
const byGuideName = new Map<string, PropertyInfo>();
const patterns: { regex: RegExp; info: PropertyInfo }[] = [];

for (const info of PROPERTIES) {
  const open = info.key.indexOf('<');
  if (open < 0) exact.set(info.key, info);
  else patterns.push({ regex: new RegExp(`^${escapeRegex(info.key.slice(0, open))}.+$`), info });
  if (info.guideName !== undefined) byGuideName.set(info.guideName, info);
}

/** Catalogue keys without patterns, in catalogue order. */
export const EXACT_KEYS: readonly string[] = [...exact.keys()];

/** The entry for a zoo.cfg key: an exact key first, then a pattern such as `server.<id>`. */
export function findProperty(key: string): PropertyInfo | undefined {
  return exact.get(key) ?? patterns.find((p) => p.regex.test(key))?.info;
}

/** The entry whose Administrator's Guide name is `name`, when that name does not work in zoo.cfg. */
export function findByGuideName(name: string): PropertyInfo | undefined {
  return byGuideName.get(name);
}

/** The system property a `system` entry ends up as; the JVM property for `jvm` entries. */
export function systemPropertyOf(info: PropertyInfo): string | undefined {
  if (info.readBy === 'jvm') return info.systemProperty;
  return info.readBy === 'system' ? `zookeeper.${info.key}` : undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
