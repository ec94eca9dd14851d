import type { FlagValueKind } from './commands';
import { show } from './lsp';
import { t } from '../../zk/l10n';

const INT_MAX = 2147483647;
/** EphemeralType.TTL's limit: the TTL shares a long with a 24-bit marker. */
export const TTL_MAX = 0xffffffffff;
export const WATCH_MODES = ['PERSISTENT', 'PERSISTENT_RECURSIVE'] as const;

function wholeNumber(text: string): number | undefined {
  return /^\d{1,16}$/.test(text) ? Number(text) : undefined;
}

export function checkVersion(text: string): string | undefined {
  const n = text === '-1' ? -1 : wholeNumber(text);
  if (n !== undefined && n <= INT_MAX) return undefined;
  return t('Version "{0}" is not valid; use -1 (any version) or a whole number from 0 to {1}.', show(text), INT_MAX);
}

export function checkTtl(text: string): string | undefined {
  const n = wholeNumber(text);
  if (n === undefined || n === 0) return t('TTL "{0}" is not valid; use a positive whole number of milliseconds.', show(text));
  return n > TTL_MAX ? t("TTL {0} is over ZooKeeper's maximum of {1} ms.", text, TTL_MAX) : undefined;
}

export function checkCount(text: string, what: string): string | undefined {
  const n = wholeNumber(text);
  return n !== undefined && n > 0 && n <= INT_MAX ? undefined : t('{0} "{1}" is not valid; use a whole number from 1 to {2}.', what, show(text), INT_MAX);
}

/** zkCli upper-cases the mode before looking it up, so case does not matter. */
export function checkMode(text: string): string | undefined {
  const upper = text.toUpperCase();
  return WATCH_MODES.some((mode) => mode === upper) ? undefined : t('Watch mode "{0}" is not valid; use PERSISTENT or PERSISTENT_RECURSIVE.', show(text));
}

export function checkFlagValue(kind: FlagValueKind, text: string): string | undefined {
  switch (kind) {
    case 'version':
      return checkVersion(text);
    case 'ttl':
      return checkTtl(text);
    case 'count':
      return checkCount(text, t('Batch size'));
    case 'mode':
      return checkMode(text);
  }
}
