// The translation seam of the ZooKeeper layer and the language server. Neither may import `vscode`
// (src/zk is also the language server's library, and the server is its own process), so sentences
// they make go through t(): English, the source and the key, until someone sets a localizer —
// activate() sets vscode.l10n.t, the language server a localizer over the bundle the client sent.
// Keys follow vscode.l10n's convention (the English string, {0}-style placeholders), so one bundle,
// l10n/bundle.l10n.<locale>.json, serves the extension, this layer and the server alike.

/** What may fill a placeholder: the same kinds vscode.l10n.t takes. */
export type L10nArg = string | number | boolean;

/** Turns an English message (the key) and its arguments into the sentence to show. */
export type Localizer = (message: string, args: readonly L10nArg[]) => string;

/** A bundle as vscode.l10n and @vscode/l10n read it: the English key → the translation (or {message, comment}). */
export type L10nBundle = Readonly<Record<string, string | { readonly message: string }>>;

let current: Localizer | undefined;

/** The sentence for `message` in the user's language, its {0}, {1}… replaced by `args`. */
export function t(message: string, ...args: L10nArg[]): string {
  return current ? current(message, args) : format(message, args);
}

/**
 * Makes t() answer through `localizer` (undefined: English again). Disposing the result puts the
 * previous localizer back, unless another was set since: tests and the server restore it that way.
 */
export function setLocalizer(localizer: Localizer | undefined): { dispose(): void } {
  const previous = current;
  current = localizer;
  return {
    dispose: () => {
      if (current === localizer) current = previous;
    },
  };
}

/**
 * Fills {0}, {1}… with the arguments; a placeholder without an argument stays as it is (as in
 * vscode.l10n.t), so a translation that names {1} where English has none shows the mistake.
 */
export function format(template: string, args: readonly L10nArg[]): string {
  return template.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match));
}

/** A localizer over a bundle; a key the bundle lacks stays English (what vscode.l10n.t does too). */
export function bundleLocalizer(bundle: L10nBundle): Localizer {
  return (message, args) => {
    const entry = Object.hasOwn(bundle, message) ? bundle[message] : undefined;
    const translated = typeof entry === 'string' ? entry : typeof entry?.message === 'string' ? entry.message : message;
    return format(translated, args);
  };
}

/** The {0}-style placeholders a message uses, sorted: a translation must use the same ones. */
export function placeholders(message: string): string[] {
  return [...new Set(Array.from(message.matchAll(/\{(\d+)\}/g), (m) => m[0]))].sort();
}

/**
 * The part of a bundle a consumer uses (l10n/consumers.json lists its keys): a webview or the language
 * server is sent only that, not the whole bundle of every sentence the extension says.
 */
export function pickBundle(bundle: L10nBundle, keys: readonly string[]): Record<string, string | { readonly message: string }> {
  const picked: Record<string, string | { readonly message: string }> = {};
  for (const key of keys) if (Object.hasOwn(bundle, key)) picked[key] = bundle[key];
  return picked;
}
