import { parseJavaInteger, type ValueIssue } from './values';
import { t } from '../../zk/l10n';

/** A slice of a value: `text` starts at index `start` of the value. */
export interface Piece {
  readonly text: string;
  readonly start: number;
}

export interface PortRef {
  readonly port: number;
  readonly piece: Piece;
}

export interface ServerAddress {
  readonly host: Piece;
  readonly quorum?: PortRef;
  readonly election?: PortRef;
}

export interface ServerLine {
  readonly addresses: readonly ServerAddress[];
  readonly role: 'participant' | 'observer';
  /** The `;[host:]port` part; `host` absent means every interface. */
  readonly client?: { readonly host?: Piece; readonly port?: PortRef };
  readonly issues: readonly ValueIssue[];
}

const FORM = 'host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]';

/**
 * Reads the value of a `server.<id>` line as QuorumPeer.QuorumServer does. The value is not
 * trimmed: ZooKeeper does not trim server lines, so stray whitespace breaks the port numbers.
 */
export function parseServerValue(value: string, multiAddressEnabled: boolean): ServerLine {
  const issues: ValueIssue[] = [];
  const error = (code: string, message: string, piece?: Piece): void => {
    issues.push({ code, severity: 'error', message, ...(piece ? spanOf(piece) : {}) });
  };
  const parts = javaSplit({ text: value, start: 0 }, ';');
  if (parts.length > 2) error('server-format', t("A server line has at most one ';' before the client address: {0}.", FORM));
  const addressPieces = parts.length > 0 ? javaSplit(parts[0], '|') : [];
  if (addressPieces.length > 1 && !multiAddressEnabled) {
    error('multi-address', t("Several addresses separated by '|' need multiAddress.enabled=true; ZooKeeper rejects this line otherwise."));
  }
  const addresses: ServerAddress[] = [];
  let role: ServerLine['role'] | undefined;
  for (const piece of addressPieces) {
    const split = hostAndPort(piece, error);
    if (!split) continue;
    if (split.length < 3 || split.length > 4) {
      error('server-format', addressFormatMessage(piece, split), piece);
      continue;
    }
    const [host, quorumPiece, electionPiece, rolePiece] = split;
    if (host.text.trim() === '') issues.push({ code: 'server-host', severity: 'warning', message: t('The host is empty.'), ...spanOf(piece) });
    const quorum = readPort(quorumPiece, value, issues);
    const election = readPort(electionPiece, value, issues);
    if (quorum && election && quorum.port === election.port) {
      error('same-port', t('The quorum port and the election port must differ (both are {0}).', quorum.port), electionPiece);
    }
    if (rolePiece) {
      const name = rolePiece.text.trim().toLowerCase();
      if (name !== 'participant' && name !== 'observer') {
        error('server-role', t("Unknown role '{0}': use participant or observer.", rolePiece.text.trim()), rolePiece);
      } else if (role && role !== name) {
        error('server-role', t('All addresses of one server need the same role ({0} and {1}).', role, name), rolePiece);
      } else {
        role = name;
      }
    }
    addresses.push({ host, quorum, election });
  }
  if (addressPieces.length === 0) error('server-format', t('Expected {0}.', FORM));
  const client = parts.length === 2 ? readClient(parts[1], value, issues, error) : undefined;
  return { addresses, role: role ?? 'participant', client, issues };
}

function addressFormatMessage(piece: Piece, split: Piece[]): string {
  const text = piece.text.trim();
  if (split.length > 4 && !text.startsWith('[') && /^[0-9a-fA-F]*:[0-9a-fA-F]*:/.test(text)) {
    return t('An IPv6 address needs brackets, as in {0}.', `[${split.slice(0, -2).map((p) => p.text).join(':')}]:${split.at(-2)?.text}:${split.at(-1)?.text}`);
  }
  if (split.length === 2) return t("'{0}' has only one port: ZooKeeper needs {1}.", text, FORM);
  return t("'{0}' does not have the form {1}.", text, FORM);
}

function readClient(
  part: Piece,
  value: string,
  issues: ValueIssue[],
  error: (code: string, message: string, piece?: Piece) => void,
): ServerLine['client'] {
  const split = hostAndPort(part, error);
  if (!split) return undefined;
  if (split.length === 0 || split.length > 2) {
    error('server-format', t("The client address after ';' must be a port or host:port."), part);
    return undefined;
  }
  const port = readPort(split[split.length - 1], value, issues);
  return { host: split.length === 2 ? split[0] : undefined, port };
}

/** ConfigUtils.getHostAndPort: an IPv6 literal in brackets, then ':'-separated parts. */
function hostAndPort(piece: Piece, error: (code: string, message: string, piece?: Piece) => void): Piece[] | undefined {
  const { text, start } = piece;
  if (!text.startsWith('[')) return javaSplit(piece, ':');
  const close = text.indexOf(']');
  if (close < 0) {
    error('server-format', t("'{0}' starts with '[' but has no matching ']'.", text), piece);
    return undefined;
  }
  const host = { text: text.slice(1, close), start: start + 1 };
  if (close + 1 === text.length) return [host];
  if (text[close + 1] !== ':' || close + 2 === text.length) {
    error('server-format', t("Expected ':' and a port after ']' in '{0}'.", text), piece);
    return undefined;
  }
  return [host, ...javaSplit({ text: text.slice(close + 2), start: start + close + 2 }, ':')];
}

function readPort(piece: Piece, value: string, issues: ValueIssue[]): PortRef | undefined {
  const port = parseJavaInteger(piece.text);
  if (port === undefined) {
    issues.push(portTextIssue(piece, value));
    return undefined;
  }
  if (port < 1 || port > 65535) {
    issues.push({ code: 'port-range', severity: 'error', message: t('Port {0} is out of range: ports are 1–65535.', port), ...spanOf(piece) });
  }
  return { port, piece };
}

function portTextIssue(piece: Piece, value: string): ValueIssue {
  const trimmed = piece.text.trim();
  const end = piece.start + piece.text.length;
  if (parseJavaInteger(trimmed) === undefined) {
    const shown = piece.text === '' ? t('An empty port') : `'${piece.text}'`;
    return { code: 'server-port', severity: 'error', message: t('{0} is not a port number (ZooKeeper: "Address unresolved").', shown), ...spanOf(piece) };
  }
  if (end === value.length && value.trimEnd().length < end && piece.text.trimStart() === piece.text) {
    const from = value.trimEnd().length;
    return {
      code: 'trailing-whitespace',
      severity: 'error',
      message: t('Trailing whitespace after port {0}: ZooKeeper does not trim server lines, so the port does not parse ("Address unresolved").', trimmed),
      from,
      to: end,
    };
  }
  return {
    code: 'server-port',
    severity: 'error',
    message: t('Whitespace around port {0}: ZooKeeper does not trim server lines, so the port does not parse ("Address unresolved").', trimmed),
    ...spanOf(piece),
  };
}

/** String.split with a one-character separator: trailing empty pieces are dropped. */
export function javaSplit(piece: Piece, separator: string): Piece[] {
  const pieces: Piece[] = [];
  let from = 0;
  for (let at = piece.text.indexOf(separator); at >= 0; at = piece.text.indexOf(separator, from)) {
    pieces.push({ text: piece.text.slice(from, at), start: piece.start + from });
    from = at + separator.length;
  }
  if (pieces.length === 0) return [piece];
  pieces.push({ text: piece.text.slice(from), start: piece.start + from });
  while (pieces.length > 0 && pieces[pieces.length - 1].text === '') pieces.pop();
  return pieces;
}

export function spanOf(piece: Piece): { from: number; to: number } {
  return { from: piece.start, to: piece.start + piece.text.length };
}
