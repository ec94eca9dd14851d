import { isIPv4, isIPv6 } from 'node:net';
import { show } from './lsp';
import { t } from '../../zk/l10n';

export const ACL_SCHEMES = ['world', 'auth', 'digest', 'ip', 'x509', 'sasl'] as const;

/** A problem in an ACL list; `start`/`end` are offsets into the list's text. */
export interface AclProblem {
  message: string;
  start: number;
  end: number;
  warning?: boolean;
}

const PERMS = /^[crwda]+$/;
/** base64 of a 20-byte SHA-1: 27 characters and one "=". */
const SHA1_BASE64 = /^[A-Za-z0-9+/]{27}=$/;

function isIpOrCidr(id: string): boolean {
  const slash = id.indexOf('/');
  const address = slash === -1 ? id : id.slice(0, slash);
  const bits = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  if (bits === 0) return false;
  if (slash === -1) return true;
  const prefix = id.slice(slash + 1);
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= bits;
}

function checkEntry(entry: string, at: number, problems: AclProblem[]): void {
  const whole = (message: string, warning?: boolean): void => void problems.push({ message, start: at, end: at + entry.length, warning });
  const first = entry.indexOf(':');
  const last = entry.lastIndexOf(':');
  if (first === -1 || first === last) return whole(`ACL entry "${show(entry)}" must be scheme:id:perms, e.g. world:anyone:cdrwa.`);
  const scheme = entry.slice(0, first);
  const id = entry.slice(first + 1, last);
  const perms = entry.slice(last + 1);
  if (!ACL_SCHEMES.some((s) => s === scheme)) {
    problems.push({ message: t('Unknown ACL scheme "{0}"; use world, auth, digest, ip, x509 or sasl.', show(scheme)), start: at, end: at + first });
    return;
  }
  if (scheme === 'digest' && !id.includes(':')) {
    return whole(`ACL entry "${show(entry)}" must be digest:user:hash:perms, where hash is base64(sha1("user:password")).`);
  }
  const idStart = at + first + 1;
  const idProblem = (message: string, warning?: boolean): void => void problems.push({ message, start: idStart, end: idStart + id.length, warning });
  if (scheme === 'world' && id !== 'anyone') idProblem(t('The world scheme has one id, "anyone".'));
  if (scheme === 'ip' && !isIpOrCidr(id)) idProblem(`"${show(id)}" is not an IP address or a CIDR range such as 10.0.0.0/8.`);
  if ((scheme === 'x509' || scheme === 'sasl') && id === '') idProblem(t('The {0} scheme needs an id.', scheme));
  if (scheme === 'digest' && !SHA1_BASE64.test(id.slice(id.indexOf(':') + 1))) {
    idProblem(t('This does not look like a digest: the id is user:base64(sha1("user:password")), not the password itself.'), true);
  }
  if (!PERMS.test(perms)) {
    const message = perms === '' ? t('ACL entry "{0}" has no permissions; add letters from crwda.', show(entry)) : t('Permissions "{0}" must be letters from crwda (create, read, write, delete, admin).', show(perms));
    problems.push({ message, start: at + last + 1 - (perms === '' ? 1 : 0), end: at + entry.length });
  }
}

/** Checks a zkCli ACL list: comma-separated scheme:id:perms (the digest id holds a colon itself). */
export function checkAclList(text: string): AclProblem[] {
  const problems: AclProblem[] = [];
  if (text === '') return [{ message: t('The ACL is empty; write scheme:id:perms, e.g. world:anyone:cdrwa.'), start: 0, end: 0 }];
  let at = 0;
  for (const entry of text.split(',')) {
    if (entry === '') problems.push({ message: t('Empty ACL entry; remove the extra ",".'), start: Math.max(0, at - 1), end: Math.min(text.length, at + 1) });
    else checkEntry(entry, at, problems);
    at += entry.length + 1;
  }
  return problems;
}
