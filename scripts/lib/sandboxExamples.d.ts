// Types for scripts/lib/sandboxExamples.js: the example files of the sandbox's workspace.

/** File name ("feature-flags.zk", "zoo.cfg") → its lines. */
export const EXAMPLES: Readonly<Record<string, readonly string[]>>;
/** The flags the example script writes to /config/features. */
export const FEATURES: Readonly<Record<string, Record<string, unknown>>>;
/** File name → earlier versions of it (lines), replaced when found unedited. */
export const SUPERSEDED: Readonly<Record<string, readonly (readonly string[])[]>>;
