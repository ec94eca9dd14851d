import * as vscode from 'vscode';
import type { CommandId } from '../commandIds';
import { userMessage } from '../errors';
import type { Logger } from '../logging';

export type CommandHandler = (...args: unknown[]) => unknown;

/** A call with an argument object (from a test, a task or another extension) rather than from the UI. */
export function isAutomationCall(args: readonly unknown[]): boolean {
  const first = args[0];
  return typeof first === 'object' && first !== null && Object.getPrototypeOf(first) === Object.prototype;
}

/**
 * The one command wrapper: registers the Disposable and turns any error into one clear message and a
 * log line. Calls from automation get the error back (as a rejection with the same sentence) instead of
 * a notification; calls from the UI get the notification.
 */
export function registerCommand(subscriptions: vscode.Disposable[], log: Logger, id: CommandId, handler: CommandHandler): void {
  subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        if (error instanceof vscode.CancellationError) return undefined;
        const message = userMessage(error);
        log.error(`${id}: ${message}`, error);
        if (isAutomationCall(args)) throw new Error(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    }),
  );
}
