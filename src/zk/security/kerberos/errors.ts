import { etypeName, SUPPORTED_ETYPES } from './crypto';
import type { KrbError } from './messages';
import { principalToString } from './messages';

export type KerberosErrorKind =
  | 'noTicket'
  | 'expired'
  | 'clockSkew'
  | 'unknownServer'
  | 'unknownClient'
  | 'kdcUnreachable'
  | 'preauthFailed'
  | 'unsupportedEtype'
  | 'revoked'
  | 'badConfig'
  | 'protocol';

export interface KerberosErrorDetails {
  /** Clock skew measured against the KDC's stime: positive when this computer's clock is ahead. */
  skewMs?: number;
  principal?: string;
  kdc?: string;
  etype?: number | string;
  /** The KDC's error code when the error came from a KRB-ERROR. */
  code?: number;
}

/** Every message is a full English sentence: what happened and what to do. Never carries a secret. */
export class KerberosError extends Error {
  override readonly name = 'KerberosError';
  constructor(
    readonly kind: KerberosErrorKind,
    message: string,
    readonly details: KerberosErrorDetails = {},
  ) {
    super(message);
  }
}


const supportedNames = (): string => SUPPORTED_ETYPES.map(etypeName).join(', ');
export const etypeNames = (etypes: readonly number[]): string => etypes.map(etypeName).join(', ');

/** "7 minutes 5 seconds" for a skew in ms. */
export function describeDuration(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (seconds || parts.length === 0) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  return parts.join(' ');
}

const utc = (epochMs: number): string => new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export const sentences = {
  noTicket(principal: string | undefined, ccache: string): KerberosError {
    return new KerberosError(
      'noTicket',
      `There is no Kerberos ticket${principal ? ` for ${principal}` : ''} in the credential cache ${ccache}: run kinit${principal ? ` ${principal}` : ''}, or configure a keytab (or a password) for this connection.`,
      { principal },
    );
  },
  expired(principal: string, at: number, how: string): KerberosError {
    return new KerberosError('expired', `The Kerberos ticket of ${principal} expired at ${utc(at)}: ${how}`, { principal });
  },
  clockSkew(skewMs: number, kdc: string, allowedMs: number): KerberosError {
    const direction = skewMs > 0 ? 'ahead of' : 'behind';
    return new KerberosError(
      'clockSkew',
      `The clock of this computer is ${describeDuration(skewMs)} ${direction} the Kerberos server's (KDC ${kdc}), more than the ${describeDuration(allowedMs)} Kerberos allows: set the clock right (turn on network time) and try again.`,
      { skewMs, kdc },
    );
  },
  unknownServer(service: string, kdc: string): KerberosError {
    return new KerberosError(
      'unknownServer',
      `The Kerberos server (KDC ${kdc}) does not know the service principal ${service}: check the service name and host of the connection (ZooKeeper's principal is usually zookeeper/<the server's fully qualified host name>@REALM, as in its keytab).`,
      { principal: service, kdc },
    );
  },
  unknownClient(principal: string, kdc: string): KerberosError {
    return new KerberosError(
      'unknownClient',
      `The Kerberos server (KDC ${kdc}) does not know the user ${principal}: check the principal name and its realm.`,
      { principal, kdc },
    );
  },
  kdcUnreachable(realm: string, attempts: string[]): KerberosError {
    return new KerberosError(
      'kdcUnreachable',
      `No Kerberos server (KDC) of realm ${realm} could be reached (${attempts.join('; ')}): check that the KDC is running and that krb5.conf (or the connection's KDC setting) names the right host and port.`,
      { kdc: attempts.map((attempt) => attempt.split(' ')[0]).join(', ') },
    );
  },
  noKdc(realm: string, file: string | undefined): KerberosError {
    return new KerberosError(
      'badConfig',
      `No KDC is configured for realm ${realm}${file ? ` in ${file}` : ' (no krb5.conf was found)'}: add "kdc = host:port" to its [realms] entry, or set the KDC in the connection's settings.`,
    );
  },
  preauthFailed(principal: string, source: 'password' | 'keytab', kdc: string): KerberosError {
    return new KerberosError(
      'preauthFailed',
      source === 'password'
        ? `Kerberos pre-authentication failed for ${principal}: the password is wrong. Enter it again.`
        : `Kerberos pre-authentication failed for ${principal}: the key in the keytab does not match the KDC's (the password was changed or the principal re-keyed since the keytab was made). Export the keytab again.`,
      { principal, kdc },
    );
  },
  /** `clause` says what has which etype ("the keytab … has only camellia256-cts-cmac keys"). */
  unsupportedEtype(clause: string, etypes: readonly number[], kdc?: string): KerberosError {
    return new KerberosError(
      'unsupportedEtype',
      `Unsupported Kerberos encryption type: ${clause}, and this client supports only ${supportedNames()}. Ask your Kerberos administrator to give the principal AES keys (and export the keytab again).`,
      { etype: etypes.map(etypeName).join(', '), kdc },
    );
  },
  revoked(principal: string, kdc: string): KerberosError {
    return new KerberosError(
      'revoked',
      `The Kerberos account ${principal} is disabled or locked (the KDC ${kdc} says its credentials are revoked): ask your Kerberos administrator.`,
      { principal, kdc },
    );
  },
};

/**
 * The KRB-ERROR a KDC sent, as a sentence. `context` says what we asked for; `sentAt` is our clock
 * when the request left (for the measured skew: the KDC's stime minus our time).
 */
export function kdcErrorToKerberosError(
  error: KrbError,
  context: { kdc: string; client: string; service: string; source: 'password' | 'keytab' | 'ticket'; sentAt: number; allowedSkewMs: number },
): KerberosError {
  const { kdc } = context;
  const code = error.code;
  const withCode = (e: KerberosError): KerberosError => {
    e.details.code = code;
    return e;
  };
  switch (code) {
    case 6:
      return withCode(sentences.unknownClient(context.client, kdc));
    case 7:
      return withCode(sentences.unknownServer(error.sname ? principalToString(error.sname, error.realm) : context.service, kdc));
    case 14:
      return withCode(sentences.unsupportedEtype(`the KDC ${kdc} has no key of ${context.client} of a type this client asked for`, [], kdc));
    case 18:
      return withCode(sentences.revoked(context.client, kdc));
    case 23:
      return withCode(new KerberosError('expired', `The password of ${context.client} has expired (KDC ${kdc}): change it with kpasswd, then try again.`, { principal: context.client, kdc }));
    case 24:
      return withCode(sentences.preauthFailed(context.client, context.source === 'keytab' ? 'keytab' : 'password', kdc));
    case 31:
    case 41:
      return withCode(
        new KerberosError('expired', `The Kerberos server (KDC ${kdc}) could not verify the ticket of ${context.client} (its keys changed since the ticket was issued): run kinit again.`, { principal: context.client, kdc }),
      );
    case 32:
      return withCode(new KerberosError('expired', `The Kerberos ticket of ${context.client} has expired (the KDC ${kdc} says so): run kinit again, or configure a keytab.`, { principal: context.client, kdc }));
    case 37: {
      // Positive when this computer's clock is ahead of the KDC's.
      const skewMs = context.sentAt - (error.stime + Math.floor(error.susec / 1000));
      return withCode(sentences.clockSkew(skewMs, kdc, context.allowedSkewMs));
    }
    case 68:
      return withCode(new KerberosError('badConfig', `The Kerberos server (KDC ${kdc}) is not the KDC of the realm asked for (wrong realm): check the realm of ${context.client} and krb5.conf's [realms].`, { kdc }));
    default:
      return withCode(
        new KerberosError(
          'protocol',
          `The Kerberos server (KDC ${kdc}) refused the request for ${context.service}: ${errorName(code)} (error ${code})${error.text ? `, "${error.text}"` : ''}. Check the principal and the KDC's log.`,
          { kdc },
        ),
      );
  }
}

const ERROR_NAMES: Record<number, string> = {
  1: 'KDC_ERR_NAME_EXP',
  2: 'KDC_ERR_SERVICE_EXP',
  8: 'KDC_ERR_PRINCIPAL_NOT_UNIQUE',
  9: 'KDC_ERR_NULL_KEY',
  10: 'KDC_ERR_CANNOT_POSTDATE',
  11: 'KDC_ERR_NEVER_VALID',
  12: 'KDC_ERR_POLICY',
  13: 'KDC_ERR_BADOPTION',
  15: 'KDC_ERR_SUMTYPE_NOSUPP',
  16: 'KDC_ERR_PADATA_TYPE_NOSUPP',
  25: 'KDC_ERR_PREAUTH_REQUIRED',
  33: 'KRB_AP_ERR_TKT_NYV',
  34: 'KRB_AP_ERR_REPEAT',
  36: 'KRB_AP_ERR_BADMATCH',
  60: 'KRB_ERR_GENERIC',
};

const errorName = (code: number): string => ERROR_NAMES[code] ?? 'a Kerberos error';
