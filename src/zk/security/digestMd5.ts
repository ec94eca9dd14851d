import { createHash, randomBytes } from 'node:crypto';

/**
 * The client side of SASL DIGEST-MD5 (RFC 2831) as ZooKeeper's server speaks it: protocol
 * "zookeeper", server name "zk-sasl-md5", qop "auth" (no security layer). Three steps: an empty
 * first token, the digest-response to the server's challenge, and the check of the server's
 * rspauth (which proves the server knew the password too). Pure node:crypto, no native module.
 */
export interface SaslSession {
  /** The first token to send. */
  initial(): Buffer;
  /** The next token for the server's `challenge`, or undefined when the exchange is complete. Throws when the server's answer is wrong. */
  step(challenge: Buffer): Buffer | undefined;
  readonly complete: boolean;
}

export const ZOOKEEPER_SASL_PROTOCOL = 'zookeeper';
export const ZOOKEEPER_SASL_SERVER_NAME = 'zk-sasl-md5';

/** Parses `key=value,key="quoted, value"` directives. */
export function parseDirectives(text: string): Map<string, string> {
  const directives = new Map<string, string>();
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,]*)\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    const value = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2].trim();
    directives.set(match[1].toLowerCase(), value);
    if (match[0] === '') break;
  }
  return directives;
}

const md5 = (...parts: (string | Buffer)[]): Buffer => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const hex = (buffer: Buffer): string => buffer.toString('hex');

/** RFC 2831 2.1.2.1: with charset=utf-8, a string whose characters all fit ISO 8859-1 is hashed in ISO 8859-1. */
function encode(value: string, utf8: boolean): Buffer {
  // eslint-disable-next-line no-control-regex
  return utf8 && /[^\u0000-\u00ff]/.test(value) ? Buffer.from(value, 'utf8') : Buffer.from(value, 'latin1');
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

export class SaslError extends Error {
  override readonly name = 'SaslError';
}

/** `cnonce` and `digestUri` are for tests against RFC 2831's example; ZooKeeper's digest-uri is the default. */
export function digestMd5Session(user: string, password: string, options: { cnonce?: string; digestUri?: string } = {}): SaslSession {
  let stage: 'start' | 'challenge' | 'rspauth' | 'done' = 'start';
  let expectedRspauth = '';
  return {
    get complete() {
      return stage === 'done';
    },
    initial() {
      stage = 'challenge';
      return Buffer.alloc(0);
    },
    step(challengeBytes) {
      const directives = parseDirectives(challengeBytes.toString('utf8'));
      if (stage === 'challenge') {
        const nonce = directives.get('nonce');
        if (!nonce) throw new SaslError('the server sent a DIGEST-MD5 challenge without a nonce');
        const qops = (directives.get('qop') ?? 'auth').split(',').map((q) => q.trim());
        if (!qops.includes('auth')) throw new SaslError(`the server offers only qop ${qops.join(', ')}; this client supports "auth"`);
        const realm = directives.get('realm') ?? '';
        const utf8 = (directives.get('charset') ?? '').toLowerCase() === 'utf-8';
        const cnonce = options.cnonce ?? randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
        const nc = '00000001';
        const digestUri = options.digestUri ?? `${ZOOKEEPER_SASL_PROTOCOL}/${ZOOKEEPER_SASL_SERVER_NAME}`;
        const secret = md5(encode(user, utf8), ':', encode(realm, utf8), ':', encode(password, utf8));
        const ha1 = hex(md5(secret, `:${nonce}:${cnonce}`));
        const kd = (a2: string): string => hex(md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${hex(md5(a2))}`));
        expectedRspauth = kd(`:${digestUri}`);
        const response = [
          `charset=utf-8`,
          `username=${quote(user)}`,
          `realm=${quote(realm)}`,
          `nonce=${quote(nonce)}`,
          `nc=${nc}`,
          `cnonce=${quote(cnonce)}`,
          `digest-uri=${quote(digestUri)}`,
          `maxbuf=65536`,
          `response=${kd(`AUTHENTICATE:${digestUri}`)}`,
          `qop=auth`,
        ].join(',');
        stage = 'rspauth';
        return Buffer.from(response, 'utf8');
      }
      if (stage === 'rspauth') {
        if (directives.get('rspauth') !== expectedRspauth) throw new SaslError("the server's rspauth does not match: it does not know the password (or is not the server it claims to be)");
        stage = 'done';
        return undefined;
      }
      throw new SaslError('the server sent another SASL token after the exchange was complete');
    },
  };
}
