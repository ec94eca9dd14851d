import { SECTION_TITLES, systemPropertyOf, type PropertyInfo, type PropertyType } from './properties';

const UNIT_NAMES = { ms: 'milliseconds', seconds: 'seconds', hours: 'hours', ticks: 'ticks', KB: 'kilobytes', bytes: 'bytes' } as const;

/** A short type name for completion details, such as `int (milliseconds)` or `participant | observer`. */
export function describeType(type: PropertyType): string {
  switch (type.kind) {
    case 'int':
    case 'long':
      return type.unit ? `${type.kind} (${UNIT_NAMES[type.unit]})` : type.kind;
    case 'yesno':
      return 'yes | no';
    case 'boolean':
      return 'true | false';
    case 'enum':
      return type.values.map((v) => (v === '' ? '(empty)' : v)).join(' | ');
    case 'className':
      return 'class name';
    case 'list':
      return 'comma-separated list';
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
  const lines = [`**${key}** · ${SECTION_TITLES[info.section]}`, '', info.doc, ''];
  lines.push(`- Type: \`${describeType(info.type)}\``);
  if (info.default !== undefined) lines.push(`- Default: \`${info.default === '' ? '(empty)' : info.default}\``);
  if (info.required) lines.push('- Required');
  if (info.since) lines.push(`- Since ZooKeeper ${info.since}`);
  const property = systemPropertyOf(info);
  if (info.readBy === 'config') lines.push('- Read by QuorumPeerConfig: a bad value stops the server at start-up');
  if (info.readBy === 'provider') lines.push('- Handed to the metrics provider');
  if (info.readBy === 'jvm') lines.push(`- Only as a JVM option: \`-D${property ?? key}\``);
  else if (property) lines.push(`- Becomes the system property \`${property.replace(info.key, key)}\``);
  if (info.guideName) lines.push(`- Called *${info.guideName}* in the Administrator's Guide`);
  return lines.join('\n');
}
