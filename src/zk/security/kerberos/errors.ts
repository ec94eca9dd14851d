import { t } from '../../l10n';
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
  if (hours) parts.push(hours === 1 ? t('1 hour') : t('{0} hours', hours));
  if (minutes) parts.push(minutes === 1 ? t('1 minute') : t('{0} minutes', minutes));
  if (seconds || parts.length === 0) parts.push(seconds === 1 ? t('1 second') : t('{0} seconds', seconds));
  return parts.join(' ');
}

const utc = (epochMs: number): string => new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

export const sentences = {
  noTicket(principal: string | undefined, ccache: string): KerberosError {
    return new KerberosError(
      'noTicket',
      principal
        ? t('There is no Kerberos ticket for {0} in the credential cache {1}: run kinit {0}, or configure a keytab (or a password) for this connection.', principal, ccache)
        : t('There is no Kerberos ticket in the credential cache {0}: run kinit, or configure a keytab (or a password) for this connection.', ccache),
      { principal },
    );
  },
  expired(principal: string, at: number, how: string): KerberosError {
    return new KerberosError('expired', t('The Kerberos ticket of {0} expired at {1}: {2}', principal, utc(at), how), { principal });
  },
  clockSkew(skewMs: number, kdc: string, allowedMs: number): KerberosError {
    return new KerberosError(
      'clockSkew',
      skewMs > 0
        ? t("The clock of this computer is {0} ahead of the Kerberos server's (KDC {1}), more than the {2} Kerberos allows: set the clock right (turn on network time) and try again.", describeDuration(skewMs), kdc, describeDuration(allowedMs))
        : t("The clock of this computer is {0} behind the Kerberos server's (KDC {1}), more than the {2} Kerberos allows: set the clock right (turn on network time) and try again.", describeDuration(skewMs), kdc, describeDuration(allowedMs)),
      { skewMs, kdc },
    );
  },
  unknownServer(service: string, kdc: string): KerberosError {
    return new KerberosError(
      'unknownServer',
      t("The Kerberos server (KDC {0}) does not know the service principal {1}: check the service name and host of the connection (ZooKeeper's principal is usually zookeeper/<the server's fully qualified host name>@REALM, as in its keytab).", kdc, service),
      { principal: service, kdc },
    );
  },
  unknownClient(principal: string, kdc: string): KerberosError {
    return new KerberosError(
      'unknownClient',
      t('The Kerberos server (KDC {0}) does not know the user {1}: check the principal name and its realm.', kdc, principal),
      { principal, kdc },
    );
  },
  kdcUnreachable(realm: string, attempts: string[]): KerberosError {
    return new KerberosError(
      'kdcUnreachable',
      t("No Kerberos server (KDC) of realm {0} could be reached ({1}): check that the KDC is running and that krb5.conf (or the connection's KDC setting) names the right host and port.", realm, attempts.join('; ')),
      { kdc: attempts.map((attempt) => attempt.split(' ')[0]).join(', ') },
    );
  },
  noKdc(realm: string, file: string | undefined): KerberosError {
    return new KerberosError(
      'badConfig',
      file
        ? t('No KDC is configured for realm {0} in {1}: add "kdc = host:port" to its [realms] entry, or set the KDC in the connection\'s settings.', realm, file)
        : t('No KDC is configured for realm {0} (no krb5.conf was found): add "kdc = host:port" to its [realms] entry, or set the KDC in the connection\'s settings.', realm),
    );
  },
  preauthFailed(principal: string, source: 'password' | 'keytab', kdc: string): KerberosError {
    return new KerberosError(
      'preauthFailed',
      source === 'password'
        ? t('Kerberos pre-authentication failed for {0}: the password is wrong. Enter it again.', principal)
        : t("Kerberos pre-authentication failed for {0}: the key in the keytab does not match the KDC's (the password was changed or the principal re-keyed since the keytab was made). Export the keytab again.", principal),
      { principal, kdc },
    );
  },
  /** `clause` says what has which etype ("the keytab … has only camellia256-cts-cmac keys"). */
  unsupportedEtype(clause: string, etypes: readonly number[], kdc?: string): KerberosError {
    return new KerberosError(
      'unsupportedEtype',
      t('Unsupported Kerberos encryption type: {0}, and this client supports only {1}. Ask your Kerberos administrator to give the principal AES keys (and export the keytab again).', clause, supportedNames()),
      { etype: etypes.map(etypeName).join(', '), kdc },
    );
  },
  revoked(principal: string, kdc: string): KerberosError {
    return new KerberosError(
      'revoked',
      t('The Kerberos account {0} is disabled or locked (the KDC {1} says its credentials are revoked): ask your Kerberos administrator.', principal, kdc),
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
      return withCode(sentences.unsupportedEtype(t('the KDC {0} has no key of {1} of a type this client asked for', kdc, context.client), [], kdc));
    case 18:
      return withCode(sentences.revoked(context.client, kdc));
    case 23:
      return withCode(new KerberosError('expired', t('The password of {0} has expired (KDC {1}): change it with kpasswd, then try again.', context.client, kdc), { principal: context.client, kdc }));
    case 24:
      return withCode(sentences.preauthFailed(context.client, context.source === 'keytab' ? 'keytab' : 'password', kdc));
    case 31:
    case 41:
      return withCode(
        new KerberosError('expired', t('The Kerberos server (KDC {0}) could not verify the ticket of {1} (its keys changed since the ticket was issued): run kinit again.', kdc, context.client), { principal: context.client, kdc }),
      );
    case 32:
      return withCode(new KerberosError('expired', t('The Kerberos ticket of {0} has expired (the KDC {1} says so): run kinit again, or configure a keytab.', context.client, kdc), { principal: context.client, kdc }));
    case 37: {
      // Positive when this computer's clock is ahead of the KDC's.
      const skewMs = context.sentAt - (error.stime + Math.floor(error.susec / 1000));
      return withCode(sentences.clockSkew(skewMs, kdc, context.allowedSkewMs));
    }
    case 68:
      return withCode(new KerberosError('badConfig', t("The Kerberos server (KDC {0}) is not the KDC of the realm asked for (wrong realm): check the realm of {1} and krb5.conf's [realms].", kdc, context.client), { kdc }));
    default:
      return withCode(
        new KerberosError(
          'protocol',
          error.text
            ? t('The Kerberos server (KDC {0}) refused the request for {1}: {2} (error {3}), "{4}". Check the principal and the KDC\'s log.', kdc, context.service, errorName(code), code, error.text)
            : t("The Kerberos server (KDC {0}) refused the request for {1}: {2} (error {3}). Check the principal and the KDC's log.", kdc, context.service, errorName(code), code),
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

const errorName = (code: number): string => ERROR_NAMES[code] ?? t('a Kerberos error');
