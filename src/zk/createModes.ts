// The create modes and the TTL limit, apart from the client: the create command's form needs them at
// activation, the client itself only from the first connection on (it has a bundle of its own).

export type CreateMode = 'persistent' | 'persistentSequential' | 'ephemeral' | 'ephemeralSequential' | 'container' | 'ttl' | 'ttlSequential';
export const CREATE_MODES: readonly CreateMode[] = ['persistent', 'persistentSequential', 'ephemeral', 'ephemeralSequential', 'container', 'ttl', 'ttlSequential'];

/** The largest TTL the server accepts (EphemeralType.TTL's 40-bit limit). */
export const MAX_TTL_MS = 0xffffffffff;
