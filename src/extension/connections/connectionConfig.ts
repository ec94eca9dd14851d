import * as vscode from 'vscode';
import { parseConnectString } from '../../zk/connectString';
import type { TlsConfig } from '../../zk/security/tlsFiles';

export interface ConnectionConfig {
  name: string;
  connectString: string;
  sessionTimeoutMs?: number;
  readOnly?: boolean;
  /** TLS to the server's secure port; PEM file paths (see src/zk/security/tlsFiles.ts). */
  tls?: TlsConfig;
  /** SASL login; a password lives in SecretStorage. */
  sasl?: SaslConfig;
}

/**
 * SASL GSSAPI (Kerberos) as a connection setting. Without `keytab` the login uses the ticket cache
 * (`ccache`, else KRB5CCNAME, else the platform default) and, when that holds no valid ticket and a
 * `principal` is set, the principal's password (asked for, kept in SecretStorage bound to the address).
 */
export interface GssapiConfig {
  mechanism: 'GSSAPI';
  principal?: string;
  keytab?: string;
  ccache?: string;
  serviceName?: string;
  serviceHost?: string;
  canonicalizeHost?: boolean;
  krb5Conf?: string;
  kdc?: string[];
  realm?: string;
  /** "native": the optional provider over the `kerberos` npm package (loaded from `nativeModule`). Default: the built-in one. */
  provider?: 'builtin' | 'native';
  nativeModule?: string;
}

export type SaslConfig = { mechanism: 'DIGEST-MD5'; user: string } | GssapiConfig;

/** Who logs in, for messages and tooltips: the DIGEST-MD5 user or the Kerberos principal (or "your Kerberos ticket"). */
export function saslUser(sasl: SaslConfig): string {
  return sasl.mechanism === 'DIGEST-MD5' ? sasl.user : (sasl.principal ?? 'the Kerberos ticket cache');
}

const GSSAPI_STRINGS = ['principal', 'keytab', 'ccache', 'serviceName', 'serviceHost', 'krb5Conf', 'realm', 'nativeModule'] as const;

function parseGssapi(value: Record<string, unknown>): { problem: string } | { sasl: GssapiConfig } {
  const config: GssapiConfig = { mechanism: 'GSSAPI' };
  for (const key of GSSAPI_STRINGS) {
    if (value[key] === undefined) continue;
    if (typeof value[key] !== 'string' || !value[key].trim()) return { problem: vscode.l10n.t('"sasl.{0}" must be a non-empty string.', key) };
    config[key] = value[key].trim();
  }
  if (value.canonicalizeHost !== undefined) {
    if (typeof value.canonicalizeHost !== 'boolean') return { problem: vscode.l10n.t('"{0}" must be true or false.', 'sasl.canonicalizeHost') };
    config.canonicalizeHost = value.canonicalizeHost;
  }
  if (value.kdc !== undefined) {
    const list = typeof value.kdc === 'string' ? [value.kdc] : value.kdc;
    if (!Array.isArray(list) || list.length === 0 || list.some((k) => typeof k !== 'string' || !/^[^\s:]+(:\d{1,5})?$/.test(k.trim()))) {
      return { problem: vscode.l10n.t('"sasl.kdc" must list KDCs as "host" or "host:port" (for example ["kdc.example.com:88"]).') };
    }
    config.kdc = list.map((k: string) => k.trim());
  }
  if (value.provider !== undefined) {
    if (value.provider !== 'builtin' && value.provider !== 'native') return { problem: vscode.l10n.t('"sasl.provider" must be "builtin" (the default) or "native" (the kerberos npm package).') };
    config.provider = value.provider;
  }
  if (config.nativeModule && config.provider !== 'native') return { problem: vscode.l10n.t('"sasl.nativeModule" is only read with "sasl.provider": "native".') };
  if (config.keytab && !config.principal) return { problem: vscode.l10n.t('"sasl.keytab" needs "sasl.principal" (the principal whose keys the keytab holds).') };
  const known = ['mechanism', ...GSSAPI_STRINGS, 'canonicalizeHost', 'kdc', 'provider'];
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length) return { problem: vscode.l10n.t('"sasl" (GSSAPI) does not know {0}: use {1}.', unknown.map((k) => `"${k}"`).join(', '), known.slice(1).join(', ')) };
  return { sasl: config };
}

/** The `tls` and `sasl` of an entry, checked: a problem as a sentence, or the values. */
export function parseSecurity(tls: unknown, sasl: unknown): { problem: string } | { tls?: TlsConfig; sasl?: SaslConfig } {
  const result: { tls?: TlsConfig; sasl?: SaslConfig } = {};
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null || Array.isArray(tls)) return { problem: vscode.l10n.t('"tls" must be an object such as { "ca": "~/certs/ca.pem" }.') };
    const value = tls as Record<string, unknown>;
    const config: TlsConfig = {};
    for (const key of ['ca', 'cert', 'key', 'servername'] as const) {
      if (value[key] === undefined) continue;
      if (typeof value[key] !== 'string' || !value[key].trim()) return {
        problem:
          key === 'servername'
            ? vscode.l10n.t('"tls.{0}" must be a non-empty string (a host name).', key)
            : vscode.l10n.t('"tls.{0}" must be a non-empty string (the path of a PEM file).', key),
      };
      config[key] = value[key].trim();
    }
    if (value.rejectUnauthorized !== undefined) {
      if (typeof value.rejectUnauthorized !== 'boolean') return { problem: vscode.l10n.t('"{0}" must be true or false.', 'tls.rejectUnauthorized') };
      config.rejectUnauthorized = value.rejectUnauthorized;
    }
    const unknown = Object.keys(value).filter((k) => !['ca', 'cert', 'key', 'servername', 'rejectUnauthorized'].includes(k));
    if (unknown.length) return { problem: vscode.l10n.t('"tls" does not know {0}: use {1}.', unknown.map((k) => `"${k}"`).join(', '), 'ca, cert, key, servername, rejectUnauthorized') };
    if (config.cert && !config.key) return { problem: vscode.l10n.t('"tls.cert" needs "tls.key" (the certificate\'s private key).') };
    if (config.key && !config.cert) return { problem: vscode.l10n.t('"tls.key" needs "tls.cert" (the client certificate).') };
    result.tls = config;
  }
  if (sasl !== undefined) {
    const value = (typeof sasl === 'object' && sasl !== null ? sasl : {}) as Record<string, unknown>;
    if (value.mechanism === 'GSSAPI') {
      const gssapi = parseGssapi(value);
      if ('problem' in gssapi) return gssapi;
      result.sasl = gssapi.sasl;
      return result;
    }
    if (value.mechanism !== 'DIGEST-MD5') return {
        problem:
          typeof value.mechanism === 'string'
            ? vscode.l10n.t('"sasl.mechanism" must be "DIGEST-MD5" or "GSSAPI" ({0} is not supported).', value.mechanism)
            : vscode.l10n.t('"sasl.mechanism" must be "DIGEST-MD5" or "GSSAPI".'),
      };
    if (typeof value.user !== 'string' || !value.user.trim()) return { problem: vscode.l10n.t('"sasl.user" must name the SASL user (its password is asked for and kept in the system keychain).') };
    result.sasl = { mechanism: 'DIGEST-MD5', user: value.user.trim() };
  }
  return result;
}

const SECTION = 'zookeeper';
const KEY = 'connections';

export function validateConnectionName(name: string, taken: readonly string[] = []): string | undefined {
  if (!name.trim()) return vscode.l10n.t('Enter a name for the connection.');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    return vscode.l10n.t('Use letters, digits, ".", "_" and "-" (starting with a letter or digit): the name becomes part of zk://<name>/ addresses.');
  }
  if (taken.includes(name)) return vscode.l10n.t('A connection named "{0}" already exists.', name);
  return undefined;
}

export function validateConnectString(value: string): string | undefined {
  const parsed = parseConnectString(value);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** Which settings level defines a connection: user (or machine/remote) settings, the workspace, or a workspace folder. */
export type ConnectionOrigin = 'user' | 'workspace' | 'folder';

function namesIn(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const entry of Array.isArray(value) ? value : []) {
    const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
    if (typeof name === 'string') names.add(name);
  }
  return names;
}

/**
 * The value of zookeeper.connections that counts. In a trusted workspace that is VS Code's own
 * merge (a workspace or folder list replaces the user's). In Restricted Mode VS Code already
 * ignores the workspace's values of this setting (package.json lists it under
 * restrictedConfigurations); reading only the user level here as well keeps that true whatever
 * VS Code version runs us.
 */
function effectiveConnections(): unknown {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  if (vscode.workspace.isTrusted) return configuration.get<unknown[]>(KEY, []);
  return configuration.inspect<unknown[]>(KEY)?.globalValue ?? [];
}

/** For each name in the effective list, the level that defines it (the most specific level wins, as in VS Code). */
export function connectionOrigins(): Map<string, ConnectionOrigin> {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY);
  const trusted = vscode.workspace.isTrusted;
  const folder = trusted ? namesIn(inspected?.workspaceFolderValue) : new Set<string>();
  const workspace = trusted ? namesIn(inspected?.workspaceValue) : new Set<string>();
  const origins = new Map<string, ConnectionOrigin>();
  for (const name of namesIn(effectiveConnections())) {
    origins.set(name, folder.has(name) ? 'folder' : workspace.has(name) ? 'workspace' : 'user');
  }
  return origins;
}

/**
 * The connect string the USER's own settings give a name, if any. Only this level can vouch for an
 * address on the user's behalf (a workspace is written by whoever wrote the repository).
 */
export function userLevelConnectString(name: string): string | undefined {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY);
  for (const entry of Array.isArray(inspected?.globalValue) ? inspected.globalValue : []) {
    const { name: entryName, connectString } = (typeof entry === 'object' && entry !== null ? entry : {}) as { name?: unknown; connectString?: unknown };
    if (entryName === name && typeof connectString === 'string') return connectString.trim();
  }
  return undefined;
}

/** Reads zookeeper.connections, keeping valid entries and describing invalid ones. */
export function readConnectionConfigs(): { connections: ConnectionConfig[]; problems: string[] } {
  const raw = effectiveConnections();
  const connections: ConnectionConfig[] = [];
  const problems: string[] = [];
  for (const [index, entry] of (Array.isArray(raw) ? raw : []).entries()) {
    if (typeof entry !== 'object' || entry === null) {
      problems.push(vscode.l10n.t('Entry {0} of zookeeper.connections is not an object.', index + 1));
      continue;
    }
    const { name, connectString, sessionTimeoutMs, readOnly, tls, sasl } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || typeof connectString !== 'string') {
      problems.push(vscode.l10n.t('Entry {0} of zookeeper.connections needs "name" and "connectString".', index + 1));
      continue;
    }
    const problem =
      validateConnectionName(
        name,
        connections.map((c) => c.name),
      ) ?? validateConnectString(connectString);
    if (problem) {
      problems.push(vscode.l10n.t('Connection "{0}": {1}', name, problem));
      continue;
    }
    const config: ConnectionConfig = { name, connectString: connectString.trim() };
    if (typeof sessionTimeoutMs === 'number') config.sessionTimeoutMs = sessionTimeoutMs;
    if (readOnly === true) config.readOnly = true;
    const security = parseSecurity(tls, sasl);
    if ('problem' in security) {
      problems.push(vscode.l10n.t('Connection "{0}": {1}', name, security.problem));
      continue;
    }
    if (security.tls) config.tls = security.tls;
    if (security.sasl) config.sasl = security.sasl;
    connections.push(config);
  }
  return { connections, problems };
}

/** Writes the list back where it is defined (workspace folder, workspace or user settings). */
export async function writeConnectionConfigs(connections: readonly ConnectionConfig[]): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const inspected = configuration.inspect<unknown[]>(KEY);
  // In Restricted Mode the workspace's list is ignored, so edits go to the list the user sees: their own.
  const trusted = vscode.workspace.isTrusted;
  const target =
    trusted && inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : trusted && inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await configuration.update(KEY, connections, target);
  // The write can resolve before this extension host has been given the new value (seen under load in
  // code-server): reading the settings right away would build connections from the old list, and a
  // connect just after an edit would go to the old address (or meet credentials already carried over
  // to the new one). Wait until this host sees the value at the level written. That level, not the
  // effective value: when a list at another level wins, the effective value never changes, but the
  // written level's always arrives. A hang guard far above an honest wait only keeps a lost event
  // from blocking the command for ever (the change event reloads anyway).
  const wanted = JSON.stringify(connections);
  const written = (): string => {
    const now = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY);
    return JSON.stringify(
      target === vscode.ConfigurationTarget.WorkspaceFolder ? now?.workspaceFolderValue : target === vscode.ConfigurationTarget.Workspace ? now?.workspaceValue : now?.globalValue,
    );
  };
  if (written() === wanted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const timer = setTimeout(done, 60_000);
    const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsConnections(event) && written() === wanted) done();
    });
  });
}

export function affectsConnections(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.${KEY}`);
}
