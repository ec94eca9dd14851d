import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * MIT's profile format (krb5.conf(5)): `[section]` headers, `tag = value` relations, `tag = {`
 * … `}` subsections, `#`/`;` comments, a trailing `*` marking a relation final, `include` and
 * `includedir` directives. We read only what a client needs: libdefaults, realms (kdc, default
 * domain) and domain_realm.
 */

export type ProfileValue = string | Profile;
export interface Profile {
  [tag: string]: ProfileValue[];
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** Parses profile text; `file` names it in errors and anchors relative includes. */
export function parseProfile(text: string, file = 'krb5.conf', depth = 0): Record<string, Profile> {
  const sections: Record<string, Profile> = {};
  let stack: Profile[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    const where = `${file} line ${index + 1}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const include = /^(include|includedir)\s+(.+)$/.exec(line);
    if (include && stack.length <= 1) {
      if (depth > 8) throw new ProfileError(`${where}: includes nested too deeply`);
      const target = include[2].trim();
      const files =
        include[1] === 'include'
          ? [target]
          : safeReaddir(target)
              .filter((name) => /^[A-Za-z0-9_-]+$/.test(name) || name.endsWith('.conf'))
              .sort()
              .map((name) => path.join(target, name));
      for (const included of files) {
        mergeSections(sections, parseProfile(fs.readFileSync(included, 'utf8'), included, depth + 1));
      }
      continue;
    }
    const header = /^\[([^\]]+)\]\s*\*?$/.exec(line);
    if (header) {
      if (stack.length > 1) throw new ProfileError(`${where}: section header inside an unclosed { }`);
      const name = header[1].trim();
      sections[name] ??= {};
      stack = [sections[name]];
      continue;
    }
    if (line === '}' || line === '}*') {
      if (stack.length <= 1) throw new ProfileError(`${where}: an unmatched }`);
      stack.pop();
      continue;
    }
    const relation = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!relation || stack.length === 0) throw new ProfileError(`${where}: cannot read ${JSON.stringify(line)}`);
    const tag = relation[1].trim();
    const value = relation[2].trim();
    const current = stack[stack.length - 1];
    if (value === '{') {
      const child: Profile = {};
      (current[tag] ??= []).push(child);
      stack.push(child);
    } else {
      (current[tag] ??= []).push(value.replace(/\*$/, '').trim());
    }
  }
  if (stack.length > 1) throw new ProfileError(`${file}: a { is never closed`);
  return sections;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function mergeSections(into: Record<string, Profile>, from: Record<string, Profile>): void {
  for (const [name, profile] of Object.entries(from)) {
    const target = (into[name] ??= {});
    for (const [tag, values] of Object.entries(profile)) (target[tag] ??= []).push(...values);
  }
}

export interface KdcAddress {
  host: string;
  port: number;
}

export interface Krb5Config {
  /** The file read, if any. */
  file?: string;
  defaultRealm?: string;
  /** Allowed clock skew in ms (libdefaults clockskew, default 300 s). */
  clockSkewMs: number;
  /** realm → its KDCs in the order listed. */
  kdcs(realm: string): KdcAddress[];
  /** The realm of a host by [domain_realm] (exact name, then the longest .domain suffix), else undefined. */
  realmOfHost(host: string): string | undefined;
}

/** "host", "host:port", "[v6]:port", "tcp/host:port" → address (default port 88). */
export function parseKdcAddress(text: string): KdcAddress | undefined {
  const value = text.trim().replace(/^(tcp|udp)\//i, '');
  if (/^(https?|kkdcp):/i.test(value)) return undefined; // MS-KKDCP proxies are not spoken here
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) return { host: v6[1], port: v6[2] ? Number(v6[2]) : 88 };
  const v4 = /^([^:\s]+)(?::(\d+))?$/.exec(value);
  if (v4) return { host: v4[1], port: v4[2] ? Number(v4[2]) : 88 };
  return undefined;
}

const first = (profile: Profile | undefined, tag: string): string | undefined => {
  const value = profile?.[tag]?.[0];
  return typeof value === 'string' ? value : undefined;
};

/** A Krb5Config over parsed sections. */
export function configFromProfile(sections: Record<string, Profile>, file?: string): Krb5Config {
  const libdefaults = sections.libdefaults;
  const skew = first(libdefaults, 'clockskew');
  const domainRealm = sections.domain_realm ?? {};
  return {
    file,
    defaultRealm: first(libdefaults, 'default_realm'),
    clockSkewMs: skew && /^\d+$/.test(skew) ? Number(skew) * 1000 : 300_000,
    kdcs(realm) {
      const realmProfile = sections.realms?.[realm]?.find((value): value is Profile => typeof value !== 'string');
      return (realmProfile?.kdc ?? [])
        .filter((value): value is string => typeof value === 'string')
        .map(parseKdcAddress)
        .filter((address): address is KdcAddress => address !== undefined);
    },
    realmOfHost(host) {
      const name = host.toLowerCase();
      const exact = first(domainRealm, name);
      if (exact) return exact;
      // The longest matching ".domain" entry wins (krb5.conf(5) [domain_realm]).
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
        const realm = first(domainRealm, name.slice(dot));
        if (realm) return realm;
      }
      return undefined;
    },
  };
}

/**
 * The krb5.conf to read: `explicit`, else the first file of KRB5_CONFIG (a colon-separated list),
 * else the platform's default. Returns undefined when none exists (overrides may be enough).
 */
export function locateKrb5Conf(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (explicit) return explicit;
  // As MIT: KRB5_CONFIG replaces the default list; when none of its files exists, the first is named (and reported missing).
  if (env.KRB5_CONFIG) {
    const listed = env.KRB5_CONFIG.split(path.delimiter).filter(Boolean);
    return listed.find((file) => fs.existsSync(file)) ?? listed[0];
  }
  const candidates: string[] = [];
  if (process.platform === 'darwin') candidates.push('/Library/Preferences/edu.mit.Kerberos', '/etc/krb5.conf');
  else if (process.platform === 'win32') candidates.push(path.join(env.ProgramData ?? 'C:\\ProgramData', 'MIT', 'Kerberos5', 'krb5.ini'), path.join(env.windir ?? 'C:\\Windows', 'krb5.ini'));
  else candidates.push('/etc/krb5.conf');
  return candidates.find((file) => fs.existsSync(file));
}

export function readKrb5Conf(file: string): Krb5Config {
  return configFromProfile(parseProfile(fs.readFileSync(file, 'utf8'), file), file);
}
