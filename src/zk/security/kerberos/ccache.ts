import type { EncryptionKey, PrincipalName } from './messages';

/**
 * MIT FILE credential caches (version 0x0504, and 0x0503), read only: this client never writes the
 * user's cache (kinit's file stays kinit's). Configuration entries (X-CACHECONF:) are skipped.
 */

export interface CcacheCredential {
  client: PrincipalName;
  clientRealm: string;
  server: PrincipalName;
  serverRealm: string;
  key: EncryptionKey;
  /** Epoch milliseconds. */
  authtime: number;
  starttime: number;
  endtime: number;
  renewTill: number;
  flags: number;
  ticket: Buffer;
}

export interface Ccache {
  /** The KDC's clock minus ours (ms) when kinit recorded one (header tag 1). */
  kdcOffsetMs?: number;
  primary: { name: PrincipalName; realm: string };
  credentials: CcacheCredential[];
}

export class CcacheFormatError extends Error {
  override readonly name = 'CcacheFormatError';
}

export function parseCcache(data: Buffer): Ccache {
  let offset = 0;
  const need = (count: number): void => {
    if (offset + count > data.length) throw new CcacheFormatError('the credential cache is truncated');
  };
  const u8 = (): number => {
    need(1);
    return data[offset++];
  };
  const u16 = (): number => {
    need(2);
    offset += 2;
    return data.readUInt16BE(offset - 2);
  };
  const u32 = (): number => {
    need(4);
    offset += 4;
    return data.readUInt32BE(offset - 4);
  };
  const bytes = (): Buffer => {
    const length = u32();
    need(length);
    offset += length;
    return Buffer.from(data.subarray(offset - length, offset));
  };
  const principal = (): { name: PrincipalName; realm: string } => {
    const type = u32();
    const count = u32();
    const realm = bytes().toString('utf8');
    const components: string[] = [];
    for (let i = 0; i < count; i++) components.push(bytes().toString('utf8'));
    return { name: { type, components }, realm };
  };

  if (data.length < 2 || data[0] !== 0x05 || (data[1] !== 0x04 && data[1] !== 0x03)) {
    throw new CcacheFormatError('this is not a FILE credential cache of version 0x0504 (or 0x0503)');
  }
  const version = data[1];
  offset = 2;
  let kdcOffsetMs: number | undefined;
  if (version === 0x04) {
    const headerLength = u16();
    const headerEnd = offset + headerLength;
    while (offset < headerEnd) {
      const tag = u16();
      const length = u16();
      if (tag === 1 && length === 8) {
        const seconds = data.readInt32BE(offset);
        const micros = data.readInt32BE(offset + 4);
        kdcOffsetMs = seconds * 1000 + Math.round(micros / 1000);
      }
      offset += length;
    }
  }
  const primary = principal();
  const credentials: CcacheCredential[] = [];
  while (offset < data.length) {
    const client = principal();
    const server = principal();
    const etype = u16();
    if (version === 0x03) u16();
    const keyValue = bytes();
    const authtime = u32() * 1000;
    const starttime = u32() * 1000;
    const endtime = u32() * 1000;
    const renewTill = u32() * 1000;
    u8(); // is_skey
    const flags = u32();
    const addresses = u32();
    for (let i = 0; i < addresses; i++) {
      u16();
      bytes();
    }
    const authdata = u32();
    for (let i = 0; i < authdata; i++) {
      u16();
      bytes();
    }
    const ticket = bytes();
    bytes(); // second ticket (user-to-user)
    if (server.realm === 'X-CACHECONF:') continue;
    credentials.push({
      client: client.name,
      clientRealm: client.realm,
      server: server.name,
      serverRealm: server.realm,
      key: { etype, value: keyValue },
      authtime,
      starttime: starttime || authtime,
      endtime,
      renewTill,
      flags,
      ticket,
    });
  }
  return { kdcOffsetMs, primary, credentials };
}
