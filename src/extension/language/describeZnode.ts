import type { ZkClient } from '../../zk/client';
import { errorMessage, isZkError } from '../../zk/errors';
import { t } from '../../zk/l10n';
import { dataText } from '../../zk/recipes/participants';
import { formatHex64, isEphemeral } from '../../zk/stat';

const PREVIEW_BYTES = 600;

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${text}\n${marks}`;
}

/** Markdown for a hover on a path: what the node is, its versions and a preview of its data. */
export async function describeZnode(client: ZkClient, connection: string, path: string): Promise<string | null> {
  let node: Awaited<ReturnType<ZkClient['get']>>;
  try {
    node = await client.get(path);
  } catch (error) {
    if (isZkError(error, 'NONODE')) return t('**{0}** does not exist on {1}.', path, connection);
    if (isZkError(error, 'NOAUTH')) return t('**{0}** on {1}: not authorized to read its data (set digest credentials for the connection).', path, connection);
    return t('**{0}** on {1}: could not be read: {2}', path, connection, errorMessage(error));
  }
  const { data, stat } = node;
  // Through src/zk's seam, not vscode.l10n: this file does not import vscode (activate() sets the seam's localizer).
  const facts = [
    isEphemeral(stat) ? t('ephemeral (session {0})', formatHex64(stat.ephemeralOwner)) : t('persistent'),
    t('version {0}', stat.version),
    stat.numChildren === 1 ? t('1 child') : t('{0} children', stat.numChildren),
    stat.dataLength === 1 ? t('1 byte') : t('{0} bytes', stat.dataLength),
    t('modified {0}', new Date(stat.mtime).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')),
  ];
  const lines = [t('**{0}** on {1}', path, connection), '', facts.join(' · ')];
  if (data.length > 0) {
    const head = data.subarray(0, PREVIEW_BYTES);
    // A cut inside a multi-byte character is not binary data: step back to a character boundary.
    let text = dataText(head);
    for (let back = 1; text === undefined && back <= 3 && data.length > PREVIEW_BYTES; back++) text = dataText(head.subarray(0, PREVIEW_BYTES - back));
    lines.push('');
    if (text !== undefined) lines.push(fence(text + (data.length > PREVIEW_BYTES ? '\n…' : '')));
    else lines.push(`${t('binary:')} ${fence(Buffer.from(head.subarray(0, 64)).toString('hex').replace(/(..)/g, '$1 ').trim() + (data.length > 64 ? ' …' : ''))}`);
  }
  return lines.join('\n');
}
