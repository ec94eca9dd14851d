import { randomBytes } from 'node:crypto';
import type { SaslSession } from '../digestMd5';
import { decode, DerError } from './der';
import { etypeName, findEnctype, KerberosCryptoError, randomKey, type Enctype } from './crypto';
import { KerberosError } from './errors';
import {
  AP_OPT,
  decodeApRep,
  decodeEncApRepPart,
  decodeKrbError,
  encodeApReq,
  encodeAuthenticator,
  type EncryptionKey,
  type PrincipalName,
  principalToString,
  USAGE,
} from './messages';
import { t } from '../../l10n';

/**
 * The Kerberos V5 GSS-API mechanism (RFC 1964 framing, RFC 4121 tokens for the AES etypes) as
 * far as an initiator of SASL GSSAPI (RFC 4752) needs it: the initial context token (an AP-REQ
 * with the 0x8003 checksum), the AP-REP check when mutual authentication was asked for, and the
 * Wrap/Unwrap tokens of the security-layer negotiation. ZooKeeper's server speaks this through
 * Java's GSS; nothing here is ZooKeeper-specific.
 */

/** 1.2.840.113554.1.2.2, DER-encoded with its tag. */
export const KRB5_MECH_OID = Buffer.from('06092a864886f712010202', 'hex');

export const GSS_FLAG = { DELEG: 1, MUTUAL: 2, REPLAY: 4, SEQUENCE: 8, CONF: 16, INTEG: 32 } as const;

/** RFC 4121 2 key usages: SEAL for Wrap tokens (sealed or not), SIGN for MIC tokens. */
export const GSS_USAGE = { ACCEPTOR_SEAL: 22, ACCEPTOR_SIGN: 23, INITIATOR_SEAL: 24, INITIATOR_SIGN: 25 } as const;

/** Wrap token flags (RFC 4121 4.2.2). */
export const WRAP_FLAG = { SENT_BY_ACCEPTOR: 1, SEALED: 2, ACCEPTOR_SUBKEY: 4 } as const;

/** SASL GSSAPI security layers (RFC 4752 3.3). */
export const SASL_LAYER = { NONE: 1, INTEGRITY: 2, CONFIDENTIALITY: 4 } as const;

export class GssError extends KerberosError {
  constructor(message: string) {
    super('protocol', message);
  }
}

export interface GssCredential {
  client: PrincipalName;
  clientRealm: string;
  /** The service principal, for messages. */
  service: string;
  key: EncryptionKey;
  ticket: Buffer;
}

/** RFC 2743 3.1 framing: [APPLICATION 0] { mech OID, inner token }. */
export function frameGssToken(tokenId: number, body: Buffer): Buffer {
  const inner = Buffer.concat([KRB5_MECH_OID, Buffer.from([tokenId >> 8, tokenId & 0xff]), body]);
  const length = inner.length;
  const lengthBytes: number[] = [];
  if (length < 0x80) lengthBytes.push(length);
  else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest & 0xff);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  return Buffer.concat([Buffer.from([0x60, ...lengthBytes]), inner]);
}

/** Reads a framed token back: its 2-byte token id and body. */
export function unframeGssToken(token: Buffer): { tokenId: number; body: Buffer } {
  const outer = decode(token, 0x60);
  const oid = outer.value.subarray(0, KRB5_MECH_OID.length);
  if (!oid.equals(KRB5_MECH_OID)) throw new GssError('The server answered with a GSS-API token of another mechanism than Kerberos V5.');
  const rest = outer.value.subarray(KRB5_MECH_OID.length);
  if (rest.length < 2) throw new GssError('The server sent a truncated GSS-API token.');
  return { tokenId: rest.readUInt16BE(0), body: rest.subarray(2) };
}

/** The 0x8003 authenticator checksum (RFC 4121 4.1.1): no channel bindings, the context flags. */
export function gssChecksum(flags: number): Buffer {
  const value = Buffer.alloc(24);
  value.writeUInt32LE(16, 0);
  value.writeUInt32LE(flags, 20);
  return value;
}

export interface WrapKeys {
  key: Buffer;
  enctype: Enctype;
  acceptorSubkey: boolean;
}

/** RFC 4121 4.2.6.2 Wrap token; integrity only unless `seal`. */
export function wrap(keys: WrapKeys, sequence: bigint, payload: Buffer, options: { fromAcceptor: boolean; seal?: boolean }): Buffer {
  const flags = (options.fromAcceptor ? WRAP_FLAG.SENT_BY_ACCEPTOR : 0) | (options.seal ? WRAP_FLAG.SEALED : 0) | (keys.acceptorSubkey ? WRAP_FLAG.ACCEPTOR_SUBKEY : 0);
  const header = Buffer.from([0x05, 0x04, flags, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeBigUInt64BE(sequence, 8);
  if (options.seal) {
    const usage = options.fromAcceptor ? GSS_USAGE.ACCEPTOR_SEAL : GSS_USAGE.INITIATOR_SEAL;
    // EC = 0 filler bytes; the encrypted copy of the header has RRC 0.
    const sealed = keys.enctype.encrypt(keys.key, usage, Buffer.concat([payload, header]));
    return Buffer.concat([header, sealed]);
  }
  // Wrap tokens use the SEAL usages with or without confidentiality; SIGN is for MIC tokens (RFC 4121 2).
  const usage = options.fromAcceptor ? GSS_USAGE.ACCEPTOR_SEAL : GSS_USAGE.INITIATOR_SEAL;
  // The checksum covers the payload and the header with EC and RRC zero (RFC 4121 4.2.4).
  const checksum = keys.enctype.checksum(keys.key, usage, Buffer.concat([payload, header]));
  header.writeUInt16BE(checksum.length, 4);
  return Buffer.concat([header, payload, checksum]);
}

/** Checks and opens a Wrap token; returns its payload and sequence number. */
export function unwrap(keys: WrapKeys, token: Buffer, options: { fromAcceptor: boolean }): { payload: Buffer; sequence: bigint } {
  if (token.length < 16 || token[0] !== 0x05 || token[1] !== 0x04) throw new GssError('The server sent a token that is not a GSS-API Wrap token (RFC 4121).');
  const flags = token[2];
  if (token[3] !== 0xff) throw new GssError('The server sent a malformed Wrap token (filler byte).');
  if (Boolean(flags & WRAP_FLAG.SENT_BY_ACCEPTOR) !== options.fromAcceptor) throw new GssError(t('The Wrap token was not sent by the expected side (a reflected token?).'));
  if (Boolean(flags & WRAP_FLAG.ACCEPTOR_SUBKEY) !== keys.acceptorSubkey) {
    throw new GssError(
      flags & WRAP_FLAG.ACCEPTOR_SUBKEY ? t("The server's Wrap token uses an acceptor subkey it never sent.") : t("The server's Wrap token ignores the acceptor subkey it sent."),
    );
  }
  const ec = token.readUInt16BE(4);
  const rrc = token.readUInt16BE(6);
  const sequence = token.readBigUInt64BE(8);
  const header = Buffer.from(token.subarray(0, 16));
  // Undo the right rotation by RRC of everything after the header (RFC 4121 4.2.5).
  const rotated = token.subarray(16);
  const shift = rotated.length ? rrc % rotated.length : 0;
  const data = Buffer.concat([rotated.subarray(shift), rotated.subarray(0, shift)]);
  try {
    if (flags & WRAP_FLAG.SEALED) {
      const plain = keys.enctype.decrypt(keys.key, options.fromAcceptor ? GSS_USAGE.ACCEPTOR_SEAL : GSS_USAGE.INITIATOR_SEAL, data);
      if (plain.length < 16 + ec) throw new GssError('The sealed Wrap token is too short.');
      const innerHeader = plain.subarray(plain.length - 16);
      header.writeUInt16BE(0, 6);
      if (!innerHeader.equals(header)) throw new GssError('The sealed Wrap token does not match its own header.');
      return { payload: plain.subarray(0, plain.length - 16 - ec), sequence };
    }
    if (ec !== keys.enctype.checksumSize || data.length < ec) throw new GssError('The Wrap token has a checksum of the wrong size.');
    const payload = data.subarray(0, data.length - ec);
    const checksum = data.subarray(data.length - ec);
    header.writeUInt16BE(0, 4);
    header.writeUInt16BE(0, 6);
    const expected = keys.enctype.checksum(keys.key, options.fromAcceptor ? GSS_USAGE.ACCEPTOR_SEAL : GSS_USAGE.INITIATOR_SEAL, Buffer.concat([payload, header]));
    if (!expected.equals(checksum)) throw new GssError("The checksum of the server's Wrap token is wrong: it does not hold the session key (or the token was altered).");
    return { payload, sequence };
  } catch (error) {
    if (error instanceof KerberosCryptoError) throw new GssError("The server's sealed Wrap token does not decrypt with the session key (or was altered).");
    throw error;
  }
}

export interface GssOptions {
  mutual?: boolean;
  /** The SASL authorization id; default the client principal (what Java's client sends). */
  authzid?: string;
  now?: () => number;
}

/**
 * One SASL GSSAPI exchange for one TCP connection: a fresh authenticator, subkey and sequence
 * number each time (a replayed authenticator is refused by the acceptor's replay cache).
 */
export function gssapiSaslSession(credential: GssCredential, options: GssOptions = {}): SaslSession {
  const now = options.now ?? Date.now;
  const enctype = findEnctype(credential.key.etype);
  if (!enctype) throw new KerberosError('unsupportedEtype', t('The ticket for {0} has a session key of type {1}, which this client does not support.', credential.service, etypeName(credential.key.etype)), { etype: etypeName(credential.key.etype) });
  const clientName = principalToString(credential.client, credential.clientRealm);
  const mutual = options.mutual ?? false;
  let stage: 'start' | 'context' | 'offer' | 'answered' | 'done' = 'start';
  let ctime = 0;
  let cusec = 0;
  let subkey: Buffer = Buffer.alloc(0);
  let sendSequence = 0n;
  let acceptorSubkey: Buffer | undefined;
  /** The acceptor's initial sequence number, from the AP-REP (mutual authentication only). */
  let acceptorSequence: bigint | undefined;

  const wrapKeys = (): WrapKeys => ({ key: acceptorSubkey ?? subkey, enctype: findEnctype(credential.key.etype) as Enctype, acceptorSubkey: acceptorSubkey !== undefined });

  const checkApRep = (token: Buffer): void => {
    const { tokenId, body } = unframeGssToken(token);
    if (tokenId === 0x0300) {
      let detail = '';
      try {
        const error = decodeKrbError(body);
        detail = error.text ? t(' (Kerberos error {0}, "{1}")', error.code, error.text) : t(' (Kerberos error {0})', error.code);
      } catch {
        // the code is all we could have added
      }
      throw new GssError(t('The server refused the Kerberos ticket for {0}{1}: its keytab may not match the KDC (export it again), or run kinit again.', credential.service, detail));
    }
    if (tokenId !== 0x0200) throw new GssError(t('The server answered with GSS-API token 0x{0} where an AP-REP was expected.', tokenId.toString(16)));
    const apRep = decodeApRep(body);
    let part;
    try {
      part = decodeEncApRepPart(enctype.decrypt(credential.key.value, USAGE.AP_REP_ENC_PART, apRep.encPart.cipher));
    } catch (error) {
      if (error instanceof KerberosCryptoError || error instanceof DerError) {
        throw new GssError(t("The server's AP-REP does not decrypt with the session key: it is not {0} (mutual authentication failed).", credential.service));
      }
      throw error;
    }
    if (part.ctime !== ctime * 1000 || part.cusec !== cusec) throw new GssError(t("The server's AP-REP does not echo our authenticator's time: it is not {0} (mutual authentication failed).", credential.service));
    if (part.seqNumber !== undefined) acceptorSequence = BigInt(part.seqNumber);
    if (part.subkey) {
      if (!findEnctype(part.subkey.etype)) throw new KerberosError('unsupportedEtype', t('The server chose an acceptor subkey of type {0}, which this client does not support.', etypeName(part.subkey.etype)));
      acceptorSubkey = part.subkey.value;
    }
  };

  return {
    get complete() {
      return stage === 'done';
    },
    initial() {
      const time = now();
      ctime = Math.floor(time / 1000);
      cusec = (time % 1000) * 1000 + Math.floor(Math.random() * 1000);
      subkey = randomKey(credential.key.etype);
      const sequence = randomBytes(4).readUInt32BE(0) & 0x3fffffff;
      sendSequence = BigInt(sequence);
      const flags = GSS_FLAG.INTEG | GSS_FLAG.CONF | (mutual ? GSS_FLAG.MUTUAL : 0);
      const authenticator = encodeAuthenticator({
        crealm: credential.clientRealm,
        cname: credential.client,
        checksum: { type: 0x8003, value: gssChecksum(flags) },
        cusec,
        ctime: ctime * 1000,
        subkey: { etype: credential.key.etype, value: subkey },
        seqNumber: sequence,
      });
      const apReq = encodeApReq(mutual ? AP_OPT.MUTUAL_REQUIRED : 0, credential.ticket, {
        etype: credential.key.etype,
        cipher: enctype.encrypt(credential.key.value, USAGE.AP_REQ_AUTHENTICATOR, authenticator),
      });
      stage = 'context';
      return frameGssToken(0x0100, apReq);
    },
    step(challenge) {
      if (stage === 'context' && challenge.length > 0 && challenge[0] === 0x60) {
        checkApRep(challenge);
        stage = 'offer';
        return Buffer.alloc(0); // the context is established; the server speaks next
      }
      if (stage === 'context' || stage === 'offer') {
        if (mutual && stage === 'context') throw new GssError(t('The server did not prove its identity (no AP-REP) although mutual authentication was asked for.'));
        const { payload, sequence } = unwrap(wrapKeys(), challenge, { fromAcceptor: true });
        // The first Wrap token of the acceptor carries the sequence number its AP-REP announced (a replayed token would not).
        if (acceptorSequence !== undefined && sequence !== acceptorSequence) throw new GssError(t("The server's Wrap token has sequence number {0} where {1} was announced (a replayed or reordered token).", String(sequence), String(acceptorSequence)));
        if (payload.length !== 4) throw new GssError(t("The server's SASL GSSAPI offer has {0} bytes instead of 4.", payload.length));
        if (!(payload[0] & SASL_LAYER.NONE)) {
          throw new GssError('The server requires a SASL security layer (integrity or confidentiality on every packet), which this client does not offer: allow "auth" on the server.');
        }
        const authzid = Buffer.from(options.authzid ?? clientName, 'utf8');
        const answer = Buffer.concat([Buffer.from([SASL_LAYER.NONE, 0, 0, 0]), authzid]);
        stage = 'answered';
        return wrap(wrapKeys(), sendSequence, answer, { fromAcceptor: false });
      }
      if (stage === 'answered') {
        if (challenge.length !== 0) throw new GssError('The server sent another SASL token after the GSSAPI exchange was complete.');
        stage = 'done';
        return undefined;
      }
      throw new GssError('The SASL GSSAPI exchange was used out of order.');
    },
  };
}
