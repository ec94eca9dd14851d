import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ZkError } from '../errors';
import type { TlsSettings } from './tls';
import { t } from '../l10n';

/** A connection's `tls` setting as written: PEM file paths, not contents. */
export interface TlsConfig {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface PathContext {
  /** The first workspace folder, for `${workspaceFolder}`; undefined when none is open. */
  workspaceFolder?: string;
  home?: string;
}

const WORKSPACE_FOLDER = '${workspaceFolder}';

/** `~` and `${workspaceFolder}` expanded; a relative path is taken from the workspace folder (or the home folder). */
export function expandPath(value: string, context: PathContext = {}): string {
  const home = context.home ?? os.homedir();
  let result = value.trim();
  if (result.includes(WORKSPACE_FOLDER)) {
    if (!context.workspaceFolder) throw new ZkError('INVALIDARGUMENT', 'read TLS settings', undefined, t('The path {0} uses ${workspaceFolder}, but no workspace folder is open: open the folder, or use an absolute path.', value));
    result = result.split(WORKSPACE_FOLDER).join(context.workspaceFolder);
  }
  if (result === '~') result = home;
  else if (result.startsWith('~/') || result.startsWith('~\\')) result = path.join(home, result.slice(2));
  if (!path.isAbsolute(result)) result = path.resolve(context.workspaceFolder ?? home, result);
  return result;
}

/** True when a PEM private key is encrypted (PKCS#8 "ENCRYPTED PRIVATE KEY" or the older Proc-Type header). */
export function isEncryptedKey(pem: Buffer | string): boolean {
  const text = pem.toString();
  return text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /Proc-Type:\s*4,ENCRYPTED/.test(text);
}

const KINDS = {
  // Getters: the words are translated when a sentence is made, after the localizer is set.
  ca: { get what() { return t('CA certificate'); }, marker: /-----BEGIN CERTIFICATE-----/, get expects() { return t('a PEM certificate ("-----BEGIN CERTIFICATE-----")'); } },
  cert: { get what() { return t('client certificate'); }, marker: /-----BEGIN CERTIFICATE-----/, get expects() { return t('a PEM certificate ("-----BEGIN CERTIFICATE-----")'); } },
  key: { get what() { return t('private key'); }, marker: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, get expects() { return t('a PEM private key ("-----BEGIN PRIVATE KEY-----")'); } },
} as const;

function fail(message: string): never {
  throw new ZkError('INVALIDARGUMENT', 'read TLS settings', undefined, message);
}

/** Reads one PEM file, or throws a sentence naming the setting, the path and what to do. */
function readPem(kind: keyof typeof KINDS, value: string, context: PathContext): { file: string; pem: Buffer } {
  const { what, marker, expects } = KINDS[kind];
  const file = expandPath(value, context);
  const shown = file === value ? file : `${value} (${file})`;
  let pem: Buffer;
  try {
    pem = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(t("The {0} file of \"tls.{1}\", {2}, does not exist: correct the path in the connection's settings (~ and ${workspaceFolder} are expanded).", what, kind, shown));
    if (code === 'EACCES' || code === 'EPERM') fail(t('The {0} file of "tls.{1}", {2}, cannot be read (permission denied): allow your user to read it (chmod/chown).', what, kind, shown));
    if (code === 'EISDIR') fail(t("\"tls.{0}\" names a folder, {1}: name the {2}'s PEM file in it.", kind, shown, what));
    fail(t('The {0} file of "tls.{1}", {2}, cannot be read ({3}).', what, kind, shown, (error as Error).message));
  }
  if (!marker.test(pem.toString('latin1'))) fail(t("The file of \"tls.{0}\", {1}, does not hold {2}: name the {3}'s PEM file (convert a .p12/.jks with openssl or keytool).", kind, shown, expects, what));
  return { file, pem };
}

/**
 * Reads a connection's PEM files into settings for tlsTransport, checking what can be checked
 * before connecting: files exist and hold PEM, cert and key come together, the key's passphrase
 * opens it. Every failure is a sentence that names the setting and the path.
 */
export function loadTlsSettings(config: TlsConfig, options: PathContext & { passphrase?: string } = {}): TlsSettings {
  const settings: TlsSettings = { files: {} };
  if (config.cert && !config.key) fail('"tls.cert" is set but "tls.key" is not: a client certificate needs its private key (set "tls.key" to its PEM file).');
  if (config.key && !config.cert) fail('"tls.key" is set but "tls.cert" is not: set "tls.cert" to the client certificate that goes with the key.');
  for (const kind of ['ca', 'cert', 'key'] as const) {
    const value = config[kind];
    if (value === undefined || value === '') continue;
    const { file, pem } = readPem(kind, value, options);
    settings[kind] = pem;
    settings.files![kind] = file;
  }
  if (config.servername) settings.servername = config.servername;
  if (config.rejectUnauthorized === false) settings.rejectUnauthorized = false;
  if (settings.key && isEncryptedKey(settings.key)) {
    if (options.passphrase === undefined) fail(t('The private key {0} is encrypted: enter its passphrase (ZooKeeper: Set Digest Credentials…, or zookeeper.setCredentials with tlsKeyPassphrase).', settings.files!.key!));
    settings.passphrase = options.passphrase;
  }
  try {
    tls.createSecureContext({ cert: settings.cert, key: settings.key, ca: settings.ca, passphrase: settings.passphrase });
  } catch (error) {
    const message = (error as Error).message;
    if (settings.passphrase !== undefined && /bad decrypt|decrypt|DECODER|unsupported/i.test(message)) {
      fail(t('The passphrase for the private key {0} is wrong: enter it again (ZooKeeper: Set Digest Credentials…).', settings.files!.key!));
    }
    if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(message)) fail(t("The private key {0} does not belong to the certificate {1}: set \"tls.key\" to the certificate's own key.", settings.files!.key!, settings.files!.cert!));
    fail(t('The TLS files could not be used ({0}): check "tls.ca", "tls.cert" and "tls.key".', message));
  }
  return settings;
}
