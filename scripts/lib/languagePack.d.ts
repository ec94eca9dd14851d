// Types for scripts/lib/languagePack.js (plain CommonJS).

/** Packages the zh-cn language pack stand-in into `<dir>/zh-cn-language-pack.vsix` (once per dir); returns its path. */
export declare function buildZhCnLanguagePack(opts: { dir: string; log?: (message: string) => void }): string;

/** VS Code server arguments: install the pack at start (so the server lists it) and run in `locale` (default zh-cn). */
export declare function localeServerArgs(vsix: string, locale?: string): string[];

/** Resolves once the server lists a language pack for `locale` (default zh-cn) in `<userDataDir>/languagepacks.json`. */
export declare function waitForLanguagePack(userDataDir: string, locale?: string, timeoutMs?: number): Promise<void>;

/** Makes sure chromium has a font with Chinese glyphs (installs Debian's fonts-wqy-microhei when root and none is there). */
export declare function ensureCjkFont(opts?: { log?: (message: string) => void }): Promise<void>;

export declare const MANIFEST: Record<string, unknown>;
