import * as vscode from 'vscode';

export interface Logger {
  trace(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
  scoped(scope: string): Logger;
  /** Brings the output channel into view. */
  show(): void;
}

/** One LogOutputChannel ("ZooKeeper"), with loggers that prefix their scope. Never log credentials. */
export function createLogger(channel: vscode.LogOutputChannel, scope?: string): Logger {
  const prefix = scope ? `[${scope}] ` : '';
  return {
    trace: (message) => channel.trace(prefix + message),
    info: (message) => channel.info(prefix + message),
    warn: (message) => channel.warn(prefix + message),
    error: (message, error) => channel.error(prefix + message + (error instanceof Error && error.stack ? `\n${error.stack}` : '')),
    scoped: (inner) => createLogger(channel, scope ? `${scope}/${inner}` : inner),
    show: () => channel.show(true),
  };
}
