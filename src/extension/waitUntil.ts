/**
 * Polls `predicate` every `intervalMs` until it holds (true) or `timeoutMs` has passed (false).
 * The one polling loop of the extension: VS Code and the demo's processes offer no event for
 * what callers wait on here (a document's text arriving, a port closing, a server answering).
 * A predicate that throws ends the wait with its error (a cancelled or failed start, say).
 */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return true;
}
