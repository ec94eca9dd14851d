/**
 * Tells a click on a tree row from a double-click. VS Code runs a row's command
 * once per click (twice for a double-click) and tells only its own vscode.open/vscode.diff which
 * click it was; our Open Node Data needs its own command (language detection, the hex dump for
 * binary data), so the second run for the same row soon after the first is taken as the double-click.
 * The window is generous: the two runs arrive back to back, and a late second click only pins a tab.
 */
export const DOUBLE_CLICK_MS = 800;

/** `preview`: a click or Enter (preview tab, focus stays in the tree); `pinned`: a double-click (pinned tab, editor focused). */
export type OpenGestureKind = 'preview' | 'pinned';

export class OpenGesture {
  private last: { key: string; time: number } | undefined;

  constructor(
    private readonly windowMs = DOUBLE_CLICK_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Classifies one run of a row's open command. */
  next(key: string): OpenGestureKind {
    const time = this.now();
    const previous = this.last;
    if (previous && previous.key === key && time - previous.time <= this.windowMs) {
      this.last = undefined; // a third click starts over
      return 'pinned';
    }
    this.last = { key, time };
    return 'preview';
  }
}

/** The one classifier of the window: every tree's rows open through the same command. */
export const openGesture = new OpenGesture();
