import { application, decode, DerError, explicit, Fields, flags, generalString, integer, octets, readFlags, sequence, sequenceOf, time, Tlv, TAG, children, readInteger } from './der';

/**
 * The Kerberos V5 messages (RFC 4120 5) this client builds and reads: AS-REQ/REP, TGS-REQ/REP,
 * KRB-ERROR (with METHOD-DATA / ETYPE-INFO2 e-data), AP-REQ/AP-REP, Authenticator,
 * EncKDCRepPart, EncAPRepPart, PA-ENC-TS-ENC. Plain data in, DER out, and back.
 */

export const KRB5_PVNO = 5;

export const MSG = { AS_REQ: 10, AS_REP: 11, TGS_REQ: 12, TGS_REP: 13, AP_REQ: 14, AP_REP: 15, ERROR: 30 } as const;

/** RFC 4120 7.5.8 name types. */
export const NT = { PRINCIPAL: 1, SRV_INST: 2, SRV_HST: 3 } as const;

/** RFC 4120 7.5.2 pre-authentication data types. */
export const PA = { TGS_REQ: 1, ENC_TIMESTAMP: 2, ETYPE_INFO: 11, ETYPE_INFO2: 19, PAC_REQUEST: 128 } as const;

/** RFC 4120 7.5.1 key usages. */
export const USAGE = {
  PA_ENC_TIMESTAMP: 1,
  AS_REP_ENC_PART: 3,
  TGS_REQ_AUTH_CKSUM: 6,
  TGS_REQ_AUTHENTICATOR: 7,
  TGS_REP_ENC_PART_SESSION: 8,
  TGS_REP_ENC_PART_SUBKEY: 9,
  AP_REQ_AUTH_CKSUM: 10,
  AP_REQ_AUTHENTICATOR: 11,
  AP_REP_ENC_PART: 12,
} as const;

/** KDCOptions bits (bit 0 is the most significant of the 32). */
export const KDC_OPT = {
  FORWARDABLE: 1 << 30,
  RENEWABLE: 1 << 23,
  CANONICALIZE: 1 << 16,
  RENEWABLE_OK: 1 << 4,
  RENEW: 1 << 1,
} as const;

/** TicketFlags bits. */
export const TKT_FLAG = { FORWARDABLE: 1 << 30, RENEWABLE: 1 << 23, INITIAL: 1 << 22, PRE_AUTHENT: 1 << 21 } as const;

/** APOptions bits. */
export const AP_OPT = { USE_SESSION_KEY: 1 << 30, MUTUAL_REQUIRED: 1 << 29 } as const;

export interface PrincipalName {
  type: number;
  components: string[];
}

export interface EncryptedData {
  etype: number;
  kvno?: number;
  cipher: Buffer;
}

export interface EncryptionKey {
  etype: number;
  value: Buffer;
}

export interface PaData {
  type: number;
  value: Buffer;
}

export interface Ticket {
  realm: string;
  sname: PrincipalName;
  encPart: EncryptedData;
  /** The ticket's DER as received: sent back byte for byte. */
  der: Buffer;
}

/** "alice@EXAMPLE.TEST" → name + realm; "zookeeper/localhost" → components. Backslash escapes are honoured. */
export function parsePrincipal(text: string, defaultRealm?: string): { name: PrincipalName; realm: string } {
  const components: string[] = [];
  let current = '';
  let realm: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (c === '/' && realm === undefined) {
      components.push(current);
      current = '';
    } else if (c === '@' && realm === undefined) {
      components.push(current);
      current = '';
      realm = '';
    } else if (realm !== undefined) {
      realm += c;
    } else {
      current += c;
    }
  }
  if (realm === undefined) components.push(current);
  const finalRealm = realm || defaultRealm || '';
  return { name: { type: components.length > 1 ? NT.SRV_INST : NT.PRINCIPAL, components }, realm: finalRealm };
}

export function principalToString(name: PrincipalName, realm?: string): string {
  const escape = (part: string): string => part.replace(/([\\/@])/g, '\\$1');
  return name.components.map(escape).join('/') + (realm ? `@${realm}` : '');
}

// ---- encoders -------------------------------------------------------------------------------

export const encodePrincipalName = (name: PrincipalName): Buffer =>
  sequence(explicit(0, integer(name.type)), explicit(1, sequence(...name.components.map(generalString))));

export const encodeEncryptedData = (data: EncryptedData): Buffer =>
  sequence(explicit(0, integer(data.etype)), data.kvno !== undefined ? explicit(1, integer(data.kvno)) : undefined, explicit(2, octets(data.cipher)));

export const encodeEncryptionKey = (key: EncryptionKey): Buffer => sequence(explicit(0, integer(key.etype)), explicit(1, octets(key.value)));

export const encodeChecksum = (type: number, value: Buffer): Buffer => sequence(explicit(0, integer(type)), explicit(1, octets(value)));

export const encodePaData = (pa: PaData): Buffer => sequence(explicit(1, integer(pa.type)), explicit(2, octets(pa.value)));

/** PA-ENC-TS-ENC (the plaintext of PA-ENC-TIMESTAMP). */
export const encodePaEncTsEnc = (epochMs: number): Buffer =>
  sequence(explicit(0, time(epochMs)), explicit(1, integer(Math.floor((epochMs % 1000) * 1000))));

/** PA-PAC-REQUEST { include-pac [0] BOOLEAN } — we ask for no PAC: ZooKeeper does not read it, and it only grows the ticket. */
export const encodePacRequest = (include: boolean): Buffer => sequence(explicit(0, Buffer.from([0x01, 0x01, include ? 0xff : 0x00])));

export interface KdcReqBody {
  options: number;
  cname?: PrincipalName;
  realm: string;
  sname: PrincipalName;
  till: number;
  rtime?: number;
  nonce: number;
  etypes: readonly number[];
}

export const encodeKdcReqBody = (body: KdcReqBody): Buffer =>
  sequence(
    explicit(0, flags(body.options)),
    body.cname ? explicit(1, encodePrincipalName(body.cname)) : undefined,
    explicit(2, generalString(body.realm)),
    explicit(3, encodePrincipalName(body.sname)),
    explicit(5, time(body.till)),
    body.rtime !== undefined ? explicit(6, time(body.rtime)) : undefined,
    explicit(7, integer(body.nonce)),
    explicit(8, sequence(...body.etypes.map(integer))),
  );

/** AS-REQ (msgType 10) or TGS-REQ (12); `bodyDer` is encodeKdcReqBody's output (the TGS checksum covers exactly those bytes). */
export function encodeKdcReq(msgType: 10 | 12, padata: PaData[], bodyDer: Buffer): Buffer {
  return application(
    msgType,
    sequence(
      explicit(1, integer(KRB5_PVNO)),
      explicit(2, integer(msgType)),
      padata.length ? explicit(3, sequence(...padata.map(encodePaData))) : undefined,
      explicit(4, bodyDer),
    ),
  );
}

export interface Authenticator {
  crealm: string;
  cname: PrincipalName;
  checksum?: { type: number; value: Buffer };
  cusec: number;
  ctime: number;
  subkey?: EncryptionKey;
  seqNumber?: number;
}

export const encodeAuthenticator = (a: Authenticator): Buffer =>
  application(
    2,
    sequence(
      explicit(0, integer(KRB5_PVNO)),
      explicit(1, generalString(a.crealm)),
      explicit(2, encodePrincipalName(a.cname)),
      a.checksum ? explicit(3, encodeChecksum(a.checksum.type, a.checksum.value)) : undefined,
      explicit(4, integer(a.cusec)),
      explicit(5, time(a.ctime)),
      a.subkey ? explicit(6, encodeEncryptionKey(a.subkey)) : undefined,
      a.seqNumber !== undefined ? explicit(7, integer(a.seqNumber)) : undefined,
    ),
  );

export const encodeApReq = (options: number, ticketDer: Buffer, authenticator: EncryptedData): Buffer =>
  application(
    14,
    sequence(
      explicit(0, integer(KRB5_PVNO)),
      explicit(1, integer(MSG.AP_REQ)),
      explicit(2, flags(options)),
      explicit(3, ticketDer),
      explicit(4, encodeEncryptedData(authenticator)),
    ),
  );

// ---- decoders -------------------------------------------------------------------------------

export function decodePrincipalName(value: Tlv): PrincipalName {
  const fields = new Fields(value, 'PrincipalName');
  return { type: fields.int(0), components: sequenceOf(fields.get(1), 'PrincipalName').map((c) => readStringTlv(c)) };
}

function readStringTlv(value: Tlv): string {
  return value.value.toString('utf8');
}

export function decodeEncryptedData(value: Tlv): EncryptedData {
  const fields = new Fields(value, 'EncryptedData');
  return { etype: fields.int(0), kvno: fields.optionalInt(1), cipher: fields.octets(2) };
}

export function decodeEncryptionKey(value: Tlv): EncryptionKey {
  const fields = new Fields(value, 'EncryptionKey');
  return { etype: fields.int(0), value: fields.octets(1) };
}

export function decodePaDataList(value: Tlv): PaData[] {
  return sequenceOf(value, 'METHOD-DATA').map((item) => {
    const fields = new Fields(item, 'PA-DATA');
    return { type: fields.int(1), value: fields.octets(2) };
  });
}

/** Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno, realm, sname, enc-part }. */
export function decodeTicket(der: Buffer): Ticket {
  const outer = decode(der, 0x61);
  const fields = new Fields(decode(outer.value), 'Ticket');
  return { realm: fields.string(1), sname: decodePrincipalName(fields.get(2)), encPart: decodeEncryptedData(fields.get(3)), der };
}

/** The application tag number of a message (10 AS-REQ … 30 KRB-ERROR). */
export function messageType(der: Buffer): number {
  if (der.length === 0 || (der[0] & 0xe0) !== 0x60) throw new DerError('not a Kerberos message');
  return der[0] & 0x1f;
}

export interface KdcRep {
  msgType: number;
  padata: PaData[];
  crealm: string;
  cname: PrincipalName;
  ticket: Ticket;
  encPart: EncryptedData;
}

export function decodeKdcRep(der: Buffer): KdcRep {
  const outer = decode(der);
  const msgType = outer.tag & 0x1f;
  if (msgType !== MSG.AS_REP && msgType !== MSG.TGS_REP) throw new DerError(`expected AS-REP or TGS-REP, got message ${msgType}`);
  const fields = new Fields(decode(outer.value), 'KDC-REP');
  return {
    msgType,
    padata: fields.has(2) ? decodePaDataList(fields.get(2)) : [],
    crealm: fields.string(3),
    cname: decodePrincipalName(fields.get(4)),
    ticket: decodeTicket(fields.raw(5)),
    encPart: decodeEncryptedData(fields.get(6)),
  };
}

export interface EncKdcRepPart {
  key: EncryptionKey;
  nonce: number;
  flags: number;
  authtime: number;
  starttime?: number;
  endtime: number;
  renewTill?: number;
  srealm: string;
  sname: PrincipalName;
}

/** EncASRepPart [APPLICATION 25] or EncTGSRepPart [APPLICATION 26] (MIT may use 25 for both). */
export function decodeEncKdcRepPart(der: Buffer): EncKdcRepPart {
  const outer = decode(der);
  if (outer.tag !== 0x79 && outer.tag !== 0x7a) throw new DerError('expected EncASRepPart or EncTGSRepPart');
  const fields = new Fields(decode(outer.value), 'EncKDCRepPart');
  return {
    key: decodeEncryptionKey(fields.get(0)),
    nonce: fields.int(2) >>> 0,
    flags: readFlags(fields.get(4)),
    authtime: fields.time(5),
    starttime: fields.optionalTime(6),
    endtime: fields.time(7),
    renewTill: fields.optionalTime(8),
    srealm: fields.string(9),
    sname: decodePrincipalName(fields.get(10)),
  };
}

export interface KrbError {
  ctime?: number;
  stime: number;
  susec: number;
  code: number;
  crealm?: string;
  cname?: PrincipalName;
  realm: string;
  sname: PrincipalName;
  text?: string;
  edata?: Buffer;
}

export function decodeKrbError(der: Buffer): KrbError {
  const fields = new Fields(decode(decode(der, 0x7e).value), 'KRB-ERROR');
  return {
    ctime: fields.optionalTime(2),
    stime: fields.time(4),
    susec: fields.int(5),
    code: fields.int(6),
    crealm: fields.optionalString(7),
    cname: fields.has(8) ? decodePrincipalName(fields.get(8)) : undefined,
    realm: fields.string(9),
    sname: decodePrincipalName(fields.get(10)),
    text: fields.optionalString(11),
    edata: fields.has(12) ? fields.octets(12) : undefined,
  };
}

export interface EtypeInfo2Entry {
  etype: number;
  salt?: string;
  s2kparams?: Buffer;
}

/** The ETYPE-INFO2 entries in a KRB-ERROR's e-data (a METHOD-DATA), if any. */
export function etypeInfo2FromEdata(edata: Buffer | undefined): EtypeInfo2Entry[] {
  if (!edata || edata.length === 0) return [];
  let padata: PaData[];
  try {
    padata = decodePaDataList(decode(edata));
  } catch {
    return []; // e-data of other shapes (a TYPED-DATA, a bare text) carries no salt
  }
  return etypeInfo2FromPadata(padata);
}

export function etypeInfo2FromPadata(padata: PaData[]): EtypeInfo2Entry[] {
  const entry = padata.find((pa) => pa.type === PA.ETYPE_INFO2);
  if (!entry) return [];
  return sequenceOf(decode(entry.value), 'ETYPE-INFO2').map((item) => {
    const fields = new Fields(item, 'ETYPE-INFO2-ENTRY');
    return { etype: fields.int(0), salt: fields.optionalString(1), s2kparams: fields.has(2) ? fields.octets(2) : undefined };
  });
}

export interface ApRep {
  encPart: EncryptedData;
}

export function decodeApRep(der: Buffer): ApRep {
  const fields = new Fields(decode(decode(der, 0x6f).value), 'AP-REP');
  return { encPart: decodeEncryptedData(fields.get(2)) };
}

export interface EncApRepPart {
  ctime: number;
  cusec: number;
  subkey?: EncryptionKey;
  seqNumber?: number;
}

export function decodeEncApRepPart(der: Buffer): EncApRepPart {
  const fields = new Fields(decode(decode(der, 0x7b).value), 'EncAPRepPart');
  return {
    ctime: fields.time(0),
    cusec: fields.int(1),
    subkey: fields.has(2) ? decodeEncryptionKey(fields.get(2)) : undefined,
    seqNumber: fields.has(3) ? fields.int(3) >>> 0 : undefined,
  };
}

/** For tests and the acceptor side of our own round trips: decodes an Authenticator. */
export function decodeAuthenticator(der: Buffer): Authenticator {
  const fields = new Fields(decode(decode(der, 0x62).value), 'Authenticator');
  const checksum = fields.has(3) ? new Fields(fields.get(3), 'Checksum') : undefined;
  return {
    crealm: fields.string(1),
    cname: decodePrincipalName(fields.get(2)),
    checksum: checksum ? { type: checksum.int(0), value: checksum.octets(1) } : undefined,
    cusec: fields.int(4),
    ctime: fields.time(5),
    subkey: fields.has(6) ? decodeEncryptionKey(fields.get(6)) : undefined,
    seqNumber: fields.has(7) ? fields.int(7) >>> 0 : undefined,
  };
}

/** For tests: reads an AS-REQ/TGS-REQ back (padata and the body's raw bytes). */
export function decodeKdcReq(der: Buffer): { msgType: number; padata: PaData[]; body: Tlv } {
  const outer = decode(der);
  const fields = new Fields(decode(outer.value), 'KDC-REQ');
  return { msgType: fields.int(2), padata: fields.has(3) ? decodePaDataList(fields.get(3)) : [], body: fields.get(4) };
}

export { TAG, children, readInteger };
