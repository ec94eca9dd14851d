import * as vscode from 'vscode';
import { CodecError } from '../../zk/codecs';
import { ZkError } from '../../zk/errors';
import { DisconnectedError } from '../connections/zkConnection';
import { userMessage } from '../errors';

const UNAVAILABLE = new Set([
  'CONNECTIONLOSS',
  'SESSIONEXPIRED',
  'SESSIONMOVED',
  'OPERATIONTIMEOUT',
  'REQUESTTIMEOUT',
  'CLOSED',
  'CONNECTFAILED',
  'NOTREADONLY',
  'THROTTLEDOP',
  'UNKNOWNSESSION',
]);

/**
 * The one translation into FileSystemError: NONODE → FileNotFound, NOAUTH → NoPermissions, connection
 * trouble → Unavailable, NODEEXISTS → FileExists; everything else keeps its sentence with no code.
 * The message is always our sentence (VS Code shows it after "Unable to write file …").
 */
export function toFileSystemError(error: unknown): vscode.FileSystemError {
  if (error instanceof vscode.FileSystemError) return error;
  if (error instanceof DisconnectedError) return vscode.FileSystemError.Unavailable(error.forEditors);
  if (error instanceof ZkError) {
    if (error.code === 'NONODE') return vscode.FileSystemError.FileNotFound(error.message);
    if (error.code === 'NODEEXISTS') return vscode.FileSystemError.FileExists(error.message);
    if (error.code === 'NOAUTH' || error.code === 'AUTHFAILED') return vscode.FileSystemError.NoPermissions(error.message);
    if (UNAVAILABLE.has(error.code)) return vscode.FileSystemError.Unavailable(error.message);
    return new vscode.FileSystemError(error.message);
  }
  if (error instanceof CodecError) return new vscode.FileSystemError(error.message);
  return new vscode.FileSystemError(userMessage(error));
}

/** Runs a FileSystemProvider method's body, turning whatever it throws into a FileSystemError. */
export async function asFileSystemErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toFileSystemError(error);
  }
}
