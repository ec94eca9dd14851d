import { randomBytes } from 'node:crypto';
import { decode, DerError } from './der';
import { etypeName, findEnctype, KerberosCryptoError, SUPPORTED_ETYPES } from './crypto';
import { etypeNames, kdcErrorToKerberosError, KerberosError, sentences } from './errors';
import { AggregateKdcError, formatAddress, sendToKdcs, type KdcTimeouts } from './kdc';
import type { KdcAddress } from './krb5conf';
import {
  decodeEncKdcRepPart,
  decodePaDataList,
  decodeKdcRep,
  decodeKrbError,
  encodeApReq,
  encodeAuthenticator,
  encodeEncryptedData,
  encodeKdcReq,
  encodeKdcReqBody,
  encodePacRequest,
  encodePaEncTsEnc,
  etypeInfo2FromEdata,
  etypeInfo2FromPadata,
  KDC_OPT,
  messageType,
  MSG,
  PA,
  principalToString,
  USAGE,
  type EncKdcRepPart,
  type EncryptionKey,
  type EtypeInfo2Entry,
  type KdcRep,
  type KrbError,
  type PaData,
  type PrincipalName,
} from './messages';
import { t } from '../../l10n';

/**
 * The AS exchange (login with a password or a keytab, PA-ENC-TIMESTAMP pre-authentication after
 * PREAUTH_REQUIRED with the ETYPE-INFO2 salt) and the TGS exchange (a service ticket, or the
 * renewal of a TGT) of RFC 4120 3.1 and 3.3.
 */

/** A ticket and what goes with it; the key never leaves this folder. */
export interface Credential {
  client: PrincipalName;
  clientRealm: string;
  server: PrincipalName;
  serverRealm: string;
  key: EncryptionKey;
  ticket: Buffer;
  authtime: number;
  starttime: number;
  endtime: number;
  renewTill?: number;
  flags: number;
}

export interface ExchangeContext {
  kdcs: KdcAddress[];
  realm: string;
  timeouts: KdcTimeouts;
  now: () => number;
  allowedSkewMs: number;
  /** Told which KDC answered, so the next request can start there (no hang guard twice per login). */
  answeredBy?: (kdc: string) => void;
}

/** How the AS exchange gets the client's long-term key for an etype and salt. */
export interface KeySource {
  kind: 'password' | 'keytab';
  /** The etypes we hold (a keytab) or can make (a password), in our order of preference. */
  etypes: readonly number[];
  key(etype: number, salt: string, s2kparams: Buffer | undefined): Buffer | undefined;
}

const nonce = (): number => randomBytes(4).readUInt32BE(0) & 0x7fffffff;

/** Default salt (RFC 4120 4): the realm and the name's components, concatenated. */
export const defaultSalt = (name: PrincipalName, realm: string): string => realm + name.components.join('');

const DAY = 24 * 3600 * 1000;

async function send(context: ExchangeContext, request: Buffer): Promise<{ reply: Buffer; kdc: string }> {
  if (context.kdcs.length === 0) throw sentences.noKdc(context.realm, undefined);
  try {
    const answer = await sendToKdcs(context.kdcs, request, context.timeouts);
    context.answeredBy?.(answer.kdc);
    const index = context.kdcs.findIndex((address) => formatAddress(address) === answer.kdc);
    if (index > 0) context.kdcs.unshift(...context.kdcs.splice(index, 1));
    return answer;
  } catch (error) {
    if (error instanceof AggregateKdcError) throw sentences.kdcUnreachable(context.realm, error.failures.map((failure) => failure.message));
    throw error;
  }
}

function protocolError(kdc: string, what: string): KerberosError {
  return new KerberosError('protocol', t('The Kerberos server (KDC {0}) sent {1}: this client cannot use its answer.', kdc, what), { kdc });
}

/** Runs `body` and turns malformed DER and failed integrity checks into sentences. */
function reading<T>(kdc: string, what: string, body: () => T, onIntegrity?: () => KerberosError): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof KerberosCryptoError && onIntegrity) throw onIntegrity();
    if (error instanceof DerError || error instanceof KerberosCryptoError) throw protocolError(kdc, `${what} that does not decode (${error.message})`);
    throw error;
  }
}

/** AS exchange: a TGT (krbtgt/REALM@REALM) for `client`. */
export async function asExchange(context: ExchangeContext, client: PrincipalName, keys: KeySource): Promise<Credential> {
  const clientText = principalToString(client, context.realm);
  const etypes = keys.etypes.filter((etype) => findEnctype(etype));
  if (etypes.length === 0) throw sentences.unsupportedEtype(t('the keys of {0} are only {1}', clientText, etypeNames(keys.etypes)), keys.etypes);
  // The request's list also bounds the session key, which the KDC picks among the etypes the
  // krbtgt supports: a keytab with only aes-sha2 keys must still accept an aes-sha1 session key.
  const requested = [...etypes, ...SUPPORTED_ETYPES.filter((etype) => !etypes.includes(etype))];
  const sname: PrincipalName = { type: 2, components: ['krbtgt', context.realm] };
  const requestNonce = nonce();
  const makeBody = (): Buffer =>
    encodeKdcReqBody({
      options: KDC_OPT.RENEWABLE_OK,
      cname: client,
      realm: context.realm,
      sname,
      till: context.now() + DAY,
      nonce: requestNonce,
      etypes: requested,
    });
  const pacRequest: PaData = { type: PA.PAC_REQUEST, value: encodePacRequest(false) };

  let padata: PaData[] = [pacRequest];
  let chosen: EtypeInfo2Entry | undefined;
  let sentAt = context.now();
  for (let attempt = 0; attempt < 3; attempt++) {
    sentAt = context.now();
    const { reply, kdc } = await send(context, encodeKdcReq(MSG.AS_REQ, padata, makeBody()));
    const type = reading(kdc, 'a message', () => messageType(reply));
    const errorContext = { kdc, client: clientText, service: principalToString(sname, context.realm), source: keys.kind, sentAt, allowedSkewMs: context.allowedSkewMs };
    if (type === MSG.ERROR) {
      const error = reading(kdc, 'an error', () => decodeKrbError(reply));
      if (error.code === 25 && !chosen) {
        // PREAUTH_REQUIRED: the e-data's ETYPE-INFO2 names the etype and salt to make the key with.
        const info = reading(kdc, 'an ETYPE-INFO2', () => etypeInfo2FromEdata(error.edata));
        // MIT lists in ETYPE-INFO2 only the keys of requested etypes; with none of ours it offers
        // no encrypted timestamp either (a principal with only camellia or DES keys).
        const offersTimestamp = methodTypes(error.edata).includes(PA.ENC_TIMESTAMP);
        chosen = info.find((entry) => etypes.includes(entry.etype)) ?? (info.length === 0 && offersTimestamp ? { etype: etypes[0] } : undefined);
        if (!chosen) {
          throw sentences.unsupportedEtype(
            info.length
              ? t('the KDC {0} has no key of {1} of a type this client supports (only {2})', kdc, clientText, etypeNames(info.map((entry) => entry.etype)))
              : t('the KDC {0} has no key of {1} of a type this client supports', kdc, clientText),
            info.map((entry) => entry.etype),
            kdc,
          );
        }
        const key = keyFor(keys, chosen, client, context.realm, clientText);
        const enctype = findEnctype(chosen.etype)!;
        const timestamp = enctype.encrypt(key, USAGE.PA_ENC_TIMESTAMP, encodePaEncTsEnc(context.now()));
        padata = [{ type: PA.ENC_TIMESTAMP, value: encodeEncryptedDataValue(chosen.etype, timestamp) }, pacRequest];
        continue;
      }
      throw kdcErrorToKerberosError(error, errorContext);
    }
    if (type !== MSG.AS_REP) throw protocolError(kdc, `message type ${type} to an AS-REQ`);
    const rep = reading(kdc, 'an AS-REP', () => decodeKdcRep(reply));
    const entry: EtypeInfo2Entry = chosen?.etype === rep.encPart.etype ? chosen : { etype: rep.encPart.etype, ...saltFrom(etypeInfo2FromPadata(rep.padata), rep.encPart.etype) };
    if (!findEnctype(rep.encPart.etype)) throw sentences.unsupportedEtype(t('the KDC {0} encrypted its answer for {1} with {2}', kdc, clientText, etypeName(rep.encPart.etype)), [rep.encPart.etype], kdc);
    const key = keyFor(keys, entry, client, context.realm, clientText);
    const part = reading(
      kdc,
      'an AS-REP',
      () => decodeEncKdcRepPart(findEnctype(rep.encPart.etype)!.decrypt(key, USAGE.AS_REP_ENC_PART, rep.encPart.cipher)),
      () => sentences.preauthFailed(clientText, keys.kind, kdc),
    );
    return granted(kdc, 'an AS-REP', requestNonce, rep, part);
  }
  throw new KerberosError('protocol', t("The Kerberos server kept asking {0} for pre-authentication: check the principal's settings on the KDC.", clientText));
}

/** The pre-authentication types a PREAUTH_REQUIRED error offers (its METHOD-DATA). */
function methodTypes(edata: Buffer | undefined): number[] {
  if (!edata?.length) return [];
  try {
    return decodePaDataList(decode(edata)).map((pa) => pa.type);
  } catch {
    return [];
  }
}

function saltFrom(info: EtypeInfo2Entry[], etype: number): { salt?: string; s2kparams?: Buffer } {
  const entry = info.find((candidate) => candidate.etype === etype);
  return entry ? { salt: entry.salt, s2kparams: entry.s2kparams } : {};
}

function keyFor(keys: KeySource, entry: EtypeInfo2Entry, client: PrincipalName, realm: string, clientText: string): Buffer {
  const key = keys.key(entry.etype, entry.salt ?? defaultSalt(client, realm), entry.s2kparams);
  if (!key) throw sentences.unsupportedEtype(t('the KDC asks for the {0} key of {1}, which the keytab does not hold (it has {2})', etypeName(entry.etype), clientText, etypeNames(keys.etypes)), [entry.etype]);
  return key;
}

/** PA-ENC-TIMESTAMP's value is an EncryptedData. */
const encodeEncryptedDataValue = (etype: number, cipher: Buffer): Buffer => encodeEncryptedData({ etype, cipher });

/** TGS exchange: a ticket for `service` (or, with `renew`, a renewed TGT) using `tgt`. */
export async function tgsExchange(
  context: ExchangeContext,
  tgt: Credential,
  service: { name: PrincipalName; realm: string },
  options: { renew?: boolean } = {},
): Promise<Credential> {
  const clientText = principalToString(tgt.client, tgt.clientRealm);
  const serviceText = principalToString(service.name, service.realm);
  const enctype = findEnctype(tgt.key.etype);
  if (!enctype) throw sentences.unsupportedEtype(t('the ticket-granting ticket of {0} has a {1} session key', clientText, etypeName(tgt.key.etype)), [tgt.key.etype]);
  const requestNonce = nonce();
  const now = context.now();
  const body = encodeKdcReqBody({
    options: options.renew ? KDC_OPT.RENEW | KDC_OPT.RENEWABLE : KDC_OPT.RENEWABLE_OK | KDC_OPT.CANONICALIZE,
    realm: service.realm,
    sname: service.name,
    till: options.renew && tgt.renewTill ? tgt.renewTill : now + DAY,
    rtime: options.renew && tgt.renewTill ? tgt.renewTill : undefined,
    nonce: requestNonce,
    etypes: SUPPORTED_ETYPES,
  });
  const authenticator = encodeAuthenticator({
    crealm: tgt.clientRealm,
    cname: tgt.client,
    checksum: { type: enctype.checksumType, value: enctype.checksum(tgt.key.value, USAGE.TGS_REQ_AUTH_CKSUM, body) },
    cusec: (now % 1000) * 1000,
    ctime: now,
  });
  const apReq = encodeApReq(0, tgt.ticket, { etype: tgt.key.etype, cipher: enctype.encrypt(tgt.key.value, USAGE.TGS_REQ_AUTHENTICATOR, authenticator) });
  const { reply, kdc } = await send(context, encodeKdcReq(MSG.TGS_REQ, [{ type: PA.TGS_REQ, value: apReq }], body));
  const type = reading(kdc, 'a message', () => messageType(reply));
  if (type === MSG.ERROR) {
    const error: KrbError = reading(kdc, 'an error', () => decodeKrbError(reply));
    throw kdcErrorToKerberosError(error, { kdc, client: clientText, service: serviceText, source: 'ticket', sentAt: now, allowedSkewMs: context.allowedSkewMs });
  }
  if (type !== MSG.TGS_REP) throw protocolError(kdc, `message type ${type} to a TGS-REQ`);
  const rep = reading(kdc, 'a TGS-REP', () => decodeKdcRep(reply));
  const part = reading(kdc, 'a TGS-REP', () => decodeEncKdcRepPart(enctype.decrypt(tgt.key.value, USAGE.TGS_REP_ENC_PART_SESSION, rep.encPart.cipher)));
  const credential = granted(kdc, 'a TGS-REP', requestNonce, rep, part);
  if (!findEnctype(part.key.etype)) throw sentences.unsupportedEtype(t('the KDC {0} gave the ticket for {1} a {2} session key', kdc, serviceText, etypeName(part.key.etype)), [part.key.etype], kdc);
  return credential;
}

/**
 * The credential an AS-REP or TGS-REP grants: the ticket from the clear part, the session key and
 * times from the part only we could decrypt. Refused unless that part answers our own request (its
 * nonce): a replayed reply would carry a key someone else may know.
 */
function granted(kdc: string, what: string, requestNonce: number, rep: KdcRep, part: EncKdcRepPart): Credential {
  if (part.nonce !== requestNonce) throw protocolError(kdc, `${what} for another request (nonce mismatch)`);
  return {
    client: rep.cname,
    clientRealm: rep.crealm,
    server: part.sname,
    serverRealm: part.srealm,
    key: part.key,
    ticket: rep.ticket.der,
    authtime: part.authtime,
    starttime: part.starttime ?? part.authtime,
    endtime: part.endtime,
    renewTill: part.renewTill,
    flags: part.flags,
  };
}
