// The custom messages between the language server (src/server) and the extension
// (src/extension/language): the server knows the documents, the extension knows the clusters.

/** The languages the server serves (package.json contributes them). */
export const SCRIPT_LANGUAGE = 'zookeeper-script';
export const CONFIG_LANGUAGE = 'zookeeper-config';

/**
 * Server → extension request: the children of a znode that start with a prefix, sorted; null when
 * the node does not exist or the connection is unavailable. The extension filters and cuts the list
 * (to the setting zookeeper.scripts.completionLimit, read there as every setting is) before the
 * names cross to the server: 10,000 names would cost both sides JSON the user never sees.
 */
export const CHILDREN_REQUEST = 'zookeeper/children';
export interface ChildrenParams {
  /** The script's `# connection:` name; absent: the extension's active connection. */
  connection?: string;
  path: string;
  /** Only the children starting with this (ignoring case); absent: all of them (still at most the limit). */
  prefix?: string;
}
export interface ChildrenResult {
  /** The connection that answered (the active one when none was named); null when there is none. */
  connection: string | null;
  /** The first matching children in sorted order, at most the limit. */
  children: string[] | null;
  /** How many children match in all; absent: children is all of them. Above children.length: the list was cut. */
  total?: number;
  /** Why there are no children: the connection is configured but not connected (nothing connects on its own). */
  notConnected?: boolean;
}

/** Server → extension request: whether znodes exist (for the "does not exist" warnings); null entries: unknown. */
export const EXISTS_REQUEST = 'zookeeper/exists';
export interface ExistsParams {
  connection?: string;
  paths: string[];
}
export type ExistsResult = (boolean | null)[];

/** Server → extension request: Markdown describing a znode (stat and a data preview) for a hover. */
export const DESCRIBE_REQUEST = 'zookeeper/describe';
export interface DescribeParams {
  connection?: string;
  path: string;
}
export type DescribeResult = string | null;

/** Server → extension request: the configured connection names (for `# connection:` completion). */
export const CONNECTIONS_REQUEST = 'zookeeper/connections';
export type ConnectionsResult = { name: string; active: boolean; readOnly: boolean }[];

/** Extension → server notification: a node's children changed (or the cluster went away): forget cached answers. */
export const INVALIDATE_NOTIFICATION = 'zookeeper/invalidate';
export interface InvalidateParams {
  /** Absent: every connection. */
  connection?: string;
  /** Absent: every path of the connection. */
  path?: string;
}

/** Extension → server request: which process serves (for the log, and to test crash recovery). */
export const SERVER_INFO_REQUEST = 'zookeeper/serverInfo';
export interface ServerInfoResult {
  pid: number;
}

/**
 * What the client sends in InitializeParams.initializationOptions: the display language and the
 * part of its l10n bundle the server's code says (l10n/consumers.json; undefined in English), which
 * the server's sentences go through.
 */
export interface InitializationOptions {
  locale?: string;
  l10nBundle?: Readonly<Record<string, string | { readonly message: string }>>;
}
