import { SECTION_TITLES, systemPropertyOf, type PropertyInfo, type PropertyType } from './properties';
import { t } from '../../zk/l10n';

/** Unit names, translated when used (the catalogue is built before any localizer is set). */
const UNIT_NAMES = { ms: () => t('milliseconds'), seconds: () => t('seconds'), hours: () => t('hours'), ticks: () => t('ticks'), KB: () => t('kilobytes'), bytes: () => t('bytes') } as const;

/** A short type name for completion details, such as `int (milliseconds)` or `participant | observer`. */
export function describeType(type: PropertyType): string {
  switch (type.kind) {
    case 'int':
    case 'long':
      return type.unit ? `${type.kind} (${UNIT_NAMES[type.unit]()})` : type.kind;
    case 'yesno':
      return 'yes | no';
    case 'boolean':
      return 'true | false';
    case 'enum':
      return type.values.map((v) => (v === '' ? t('(empty)') : v)).join(' | ');
    case 'className':
      return t('class name');
    case 'list':
      return t('comma-separated list');
    case 'server':
      return 'host:port:port[:role][;[host:]port]';
    case 'group':
      return 'sid:sid:…';
    case 'weight':
      return 'long';
    default:
      return type.kind;
  }
}

/** One line for completion lists: type and default. */
export function describeBriefly(info: PropertyInfo): string {
  const type = describeType(info.type);
  return info.default === undefined ? type : `${type} = ${info.default}`;
}

/** The markdown shown on hover and in completion documentation. */
export function describeMarkdown(info: PropertyInfo, key = info.key): string {
  const lines = [`**${key}** · ${t(SECTION_TITLES[info.section])}`, '', localizedDoc(info), ''];
  lines.push(`- ${t('Type: {0}', `\`${describeType(info.type)}\``)}`);
  if (info.default !== undefined) lines.push(`- ${t('Default: {0}', `\`${info.default === '' ? t('(empty)') : info.default}\``)}`);
  if (info.required) lines.push(`- ${t('Required')}`);
  if (info.since) lines.push(`- ${t('Since ZooKeeper {0}', info.since)}`);
  const property = systemPropertyOf(info);
  if (info.readBy === 'config') lines.push(`- ${t('Read by QuorumPeerConfig: a bad value stops the server at start-up')}`);
  if (info.readBy === 'provider') lines.push(`- ${t('Handed to the metrics provider')}`);
  if (info.readBy === 'jvm') lines.push(`- ${t('Only as a JVM option: {0}', `\`-D${property ?? key}\``)}`);
  else if (property) lines.push(`- ${t('Becomes the system property {0}', `\`${property.replace(info.key, key)}\``)}`);
  if (info.guideName) lines.push(`- ${t("Called {0} in the Administrator's Guide", `*${info.guideName}*`)}`);
  return lines.join('\n');
}

/**
 * A setting's description in the display language. The catalogue's English doc is the bundle key
 * (non-literal, so the l10n test checks every catalogue entry instead of this call).
 */
export function localizedDoc(info: PropertyInfo): string {
  return t(info.doc);
}
