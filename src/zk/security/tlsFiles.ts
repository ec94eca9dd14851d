import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { ZkError } from '../errors';
import type { TlsSettings } from './tls';

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
    if (!context.workspaceFolder) throw new ZkError('INVALIDARGUMENT', 'read TLS settings', undefined, `The path ${value} uses \${workspaceFolder}, but no workspace folder is open: open the folder, or use an absolute path.`);
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
  ca: { what: 'CA certificate', marker: /-----BEGIN CERTIFICATE-----/, expects: 'a PEM certificate ("-----BEGIN CERTIFICATE-----")' },
  cert: { what: 'client certificate', marker: /-----BEGIN CERTIFICATE-----/, expects: 'a PEM certificate ("-----BEGIN CERTIFICATE-----")' },
  key: { what: 'private key', marker: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, expects: 'a PEM private key ("-----BEGIN PRIVATE KEY-----")' },
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
    if (code === 'ENOENT') fail(`The ${what} file of "tls.${kind}", ${shown}, does not exist: correct the path in the connection's settings (~ and \${workspaceFolder} are expanded).`);
    if (code === 'EACCES' || code === 'EPERM') fail(`The ${what} file of "tls.${kind}", ${shown}, cannot be read (permission denied): allow your user to read it (chmod/chown).`);
    if (code === 'EISDIR') fail(`"tls.${kind}" names a folder, ${shown}: name the ${what}'s PEM file in it.`);
    fail(`The ${what} file of "tls.${kind}", ${shown}, cannot be read (${(error as Error).message}).`);
  }
  if (!marker.test(pem.toString('latin1'))) fail(`The file of "tls.${kind}", ${shown}, does not hold ${expects}: name the ${what}'s PEM file (convert a .p12/.jks with openssl or keytool).`);
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
    if (options.passphrase === undefined) fail(`The private key ${settings.files!.key} is encrypted: enter its passphrase (ZooKeeper: Set Digest Credentials…, or zookeeper.setCredentials with tlsKeyPassphrase).`);
    settings.passphrase = options.passphrase;
  }
  try {
    tls.createSecureContext({ cert: settings.cert, key: settings.key, ca: settings.ca, passphrase: settings.passphrase });
  } catch (error) {
    const message = (error as Error).message;
    if (settings.passphrase !== undefined && /bad decrypt|decrypt|DECODER|unsupported/i.test(message)) {
      fail(`The passphrase for the private key ${settings.files!.key} is wrong: enter it again (ZooKeeper: Set Digest Credentials…).`);
    }
    if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(message)) fail(`The private key ${settings.files!.key} does not belong to the certificate ${settings.files!.cert}: set "tls.key" to the certificate's own key.`);
    fail(`The TLS files could not be used (${message}): check "tls.ca", "tls.cert" and "tls.key".`);
  }
  return settings;
}
