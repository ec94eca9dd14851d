import { allHold, plural, type Base } from './participants';
import type { Participant, RecipeAnalysis } from './types';

const HOST_PORT = /^(\[[0-9a-f:]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?):\d{1,5}$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\/[^\s/]+\S*$/i;

function fromJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const host = ['address', 'host', 'hostname', 'ip'].map((k) => o[k]).find((v): v is string => typeof v === 'string' && v.length > 0);
  const port = ['port', 'sslPort'].map((k) => o[k]).find((v): v is number | string => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)));
  if (host !== undefined) return port !== undefined ? `${host}:${port}` : host;
  const endpoints = o.endpoints;
  if (Array.isArray(endpoints) && typeof endpoints[0] === 'string') return endpoints[0];
  return typeof o.url === 'string' ? o.url : undefined;
}

/** The address in a registration's data: "host:port", an IP, a URL, or JSON with an address/host (and port). */
export function addressOf(text: string | undefined): string | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  if (HOST_PORT.test(t) || IPV4.test(t) || URL_LIKE.test(t)) return t;
  if (t.startsWith('{')) {
    try {
      return fromJson(JSON.parse(t));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The plain service registry: ephemeral children whose data is an address (or JSON with one). */
export function recognizeServiceRegistry(participants: Participant[]): RecipeAnalysis | undefined {
  if (participants.length === 0 || participants.some((p) => p.sessionId === 0n)) return undefined;
  const addresses = participants.map((p) => addressOf(p.data));
  if (addresses.some((a) => a === undefined)) return undefined;
  participants.forEach((p, i) => (p.address = addresses[i]));
  const base: Base = { kind: 'serviceRegistry', library: 'plain', recipe: 'service registry', participants };
  return allHold(base, plural(participants.length, 'instance'));
}
