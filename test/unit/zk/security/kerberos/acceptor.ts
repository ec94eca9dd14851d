import * as fs from 'node:fs';
import { application, decode, explicit, Fields, integer, readFlags, sequence, time } from '../../../../../src/zk/security/kerberos/der';
import { findEnctype, randomKey } from '../../../../../src/zk/security/kerberos/crypto';
import { unframeGssToken, unwrap, wrap, frameGssToken, type WrapKeys } from '../../../../../src/zk/security/kerberos/gssapi';
import { parseKeytab } from '../../../../../src/zk/security/kerberos/keytab';
import {
  decodeAuthenticator,
  decodeEncryptedData,
  decodeEncryptionKey,
  decodePrincipalName,
  encodeEncryptedData,
  encodeEncryptionKey,
  principalToString,
  type Authenticator,
} from '../../../../../src/zk/security/kerberos/messages';

/**
 * The acceptor side of the krb5 GSS-API mechanism, written for the tests only (ZooKeeper's is
 * Java's): it opens the AP-REQ with the service's key from the harness's real keytab, checks the
 * authenticator, answers an AP-REP when asked (with an acceptor subkey if told to), and runs the
 * SASL GSSAPI offer. What it accepts was issued by the real KDC.
 */
const ACCEPTOR_SEQUENCE = 12345;

export interface AcceptedContext {
  client: string;
  sessionKey: Buffer;
  etype: number;
  authenticator: Authenticator;
  apOptions: number;
  gssFlags: number;
  keys: WrapKeys;
  /** The sequence number of the acceptor's first Wrap token: the AP-REP's, else (no AP-REP) the initiator's, as Java does. */
  sendSequence: bigint;
}

export function acceptApReq(token: Buffer, keytabFile: string, options: { acceptorSubkey?: boolean } = {}): { context: AcceptedContext; apRep?: Buffer } {
  const { tokenId, body } = unframeGssToken(token);
  if (tokenId !== 0x0100) throw new Error(`not an AP-REQ token: ${tokenId}`);
  const apReq = new Fields(decode(decode(body, 0x6e).value), 'AP-REQ');
  const apOptions = readFlags(apReq.get(2));
  const ticket = new Fields(decode(decode(apReq.raw(3), 0x61).value), 'Ticket');
  const encTicket = decodeEncryptedData(ticket.get(3));
  const serviceKey = parseKeytab(fs.readFileSync(keytabFile)).find((entry) => entry.key.etype === encTicket.etype && (encTicket.kvno === undefined || entry.kvno === encTicket.kvno));
  if (!serviceKey) throw new Error(`no service key of etype ${encTicket.etype}`);
  const ticketPart = new Fields(decode(decode(findEnctype(encTicket.etype)!.decrypt(serviceKey.key.value, 2, encTicket.cipher), 0x63).value), 'EncTicketPart');
  const sessionKey = decodeEncryptionKey(ticketPart.get(1));
  const client = principalToString(decodePrincipalName(ticketPart.get(3)), ticketPart.string(2));
  const enctype = findEnctype(sessionKey.etype)!;
  const encAuth = decodeEncryptedData(apReq.get(4));
  const authenticator = decodeAuthenticator(enctype.decrypt(sessionKey.value, 11, encAuth.cipher));
  if (!authenticator.checksum || authenticator.checksum.type !== 0x8003) throw new Error('no 0x8003 checksum');
  const gssFlags = authenticator.checksum.value.readUInt32LE(20);
  const initiatorKey = authenticator.subkey?.value ?? sessionKey.value;
  let keys: WrapKeys = { key: initiatorKey, enctype, acceptorSubkey: false };
  let apRep: Buffer | undefined;
  if (apOptions & (1 << 29)) {
    const subkey = options.acceptorSubkey ? randomKey(sessionKey.etype) : undefined;
    const encPart = application(
      27,
      sequence(
        explicit(0, time(authenticator.ctime)),
        explicit(1, integer(authenticator.cusec)),
        subkey ? explicit(2, encodeEncryptionKey({ etype: sessionKey.etype, value: subkey })) : undefined,
        explicit(3, integer(ACCEPTOR_SEQUENCE)),
      ),
    );
    const rep = application(15, sequence(explicit(0, integer(5)), explicit(1, integer(15)), explicit(2, encodeEncryptedData({ etype: sessionKey.etype, cipher: enctype.encrypt(sessionKey.value, 12, encPart) }))));
    apRep = frameGssToken(0x0200, rep);
    if (subkey) keys = { key: subkey, enctype, acceptorSubkey: true };
  }
  return { context: { client, sessionKey: sessionKey.value, etype: sessionKey.etype, authenticator, apOptions, gssFlags, keys, sendSequence: apRep ? BigInt(ACCEPTOR_SEQUENCE) : BigInt(authenticator.seqNumber ?? 0) }, apRep };
}

/** The SASL GSSAPI offer (RFC 4752 3.1): layers and max buffer, wrapped by the acceptor. */
export function saslOffer(context: AcceptedContext, layers = 0x01, maxBuffer = 65536, seal = false): Buffer {
  const payload = Buffer.from([layers, (maxBuffer >> 16) & 0xff, (maxBuffer >> 8) & 0xff, maxBuffer & 0xff]);
  return wrap(context.keys, context.sendSequence, payload, { fromAcceptor: true, seal });
}

/** Reads the client's answer: chosen layer, max buffer, authzid. */
export function readSaslAnswer(context: AcceptedContext, token: Buffer): { layer: number; maxBuffer: number; authzid: string; sequence: bigint } {
  const { payload, sequence } = unwrap(context.keys, token, { fromAcceptor: false });
  return { layer: payload[0], maxBuffer: payload.readUIntBE(1, 3), authzid: payload.subarray(4).toString('utf8'), sequence };
}
