import * as vscode from 'vscode';
import type { DataView } from '../../zk/codecs';
import { userMessage } from '../errors';
import { ZkUri } from '../zkUri';

// What a zk:// address shows:
//   zk://c/p                    the znode itself: a directory (its children) AND a file (its raw bytes),
//                               FileType.File | FileType.Directory. This is what workspace.fs callers use:
//                               VS Code's extension host creates missing parents before every writeFile and
//                               wants each existing parent to be a directory, so every znode must be one.
//   zk://c/p?view=text          the data as a text document: what editors open. A file only, because the
//                               workbench refuses to read (or save) anything that says it is a directory.
//                               Editable for text that survives the editor unchanged.
//   zk://c/p?view=hex           a hexdump -C style dump, always read-only
//   zk://c/p?encoding=hex       hex pairs, editable; saving parses them back into bytes
//   zk://c/p?encoding=base64    base64, editable; saving decodes it back into bytes
//   …&snapshot=<version>        the server's data captured at a save conflict, read-only

export interface DocumentAddress {
  connection: string;
  path: string;
  view: DataView;
  /** The bare address: the znode as file and directory (workspace.fs), not an editor's document. */
  node: boolean;
  /** The server's version captured for a conflict's Compare. */
  snapshot?: number;
}

const VIEW_QUERY: Record<DataView, string> = { text: 'view=text', hexdump: 'view=hex', hex: 'encoding=hex', base64: 'encoding=base64' };

/** The znode itself (file and directory), as workspace.fs callers and Copy Path name it. */
export function nodeUri(connection: string, path: string): vscode.Uri {
  return ZkUri.create(connection, path).toUri();
}

/** A document of the node's data, as editors open it. */
export function documentUri(connection: string, path: string, view: DataView = 'text', snapshot?: number): vscode.Uri {
  const parts = [VIEW_QUERY[view], snapshot === undefined ? '' : `snapshot=${snapshot}`].filter((p) => p !== '');
  return ZkUri.create(connection, path).toUri().with({ query: parts.join('&') });
}

/** The address of a zk:// uri; a FileNotFound error with a sentence when the uri names no view we serve. */
export function parseDocumentUri(uri: vscode.Uri): DocumentAddress {
  let zk: ZkUri;
  try {
    zk = ZkUri.parse(uri);
  } catch (error) {
    throw vscode.FileSystemError.FileNotFound(userMessage(error));
  }
  const params = new URLSearchParams(uri.query);
  let view: DataView = 'text';
  let snapshot: number | undefined;
  let viewed = false;
  for (const [key, value] of params) {
    if (key === 'view' && value === 'text' && !viewed) viewed = true;
    else if (key === 'view' && value === 'hex' && view === 'text' && !viewed) {
      view = 'hexdump';
      viewed = true;
    } else if (key === 'encoding' && (value === 'hex' || value === 'base64') && view === 'text' && !viewed) {
      view = value;
      viewed = true;
    } else if (key === 'snapshot' && /^\d+$/.test(value)) snapshot = Number(value);
    else {
      throw vscode.FileSystemError.FileNotFound(
        `"${uri.toString()}" asks for "${key}=${value}", which is not a view of znode data. Use ?view=text, ?view=hex, ?encoding=hex or ?encoding=base64 for a document of its data, or no query for the znode itself.`,
      );
    }
  }
  return { connection: zk.connection, path: zk.path, view, node: !viewed && snapshot === undefined, ...(snapshot === undefined ? {} : { snapshot }) };
}
