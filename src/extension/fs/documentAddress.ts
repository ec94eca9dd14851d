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
//   zk://c/p (hex dump)?view=hex         a hexdump -C style dump, always read-only
//   zk://c/p (hex)?encoding=hex          hex pairs, editable; saving parses them back into bytes
//   zk://c/p (base64)?encoding=base64    base64, editable; saving decodes it back into bytes
//   (the label after the name is for the tab's title, see VIEW_LABEL; without it, the same document)
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

/**
 * What a document's tab says after the node's name, so that the read-only hex dump, the editable hex and
 * base64 of one node are told apart (VS Code names a tab by the uri's last path segment and ignores the
 * query): "config (hex dump)", "config (hex)", "config (base64)"; the text document is just "config".
 * The tab's tooltip is the whole address, connection included: zk://dev/app/config (hex).
 */
export const VIEW_LABEL: Record<DataView, string> = { text: '', hexdump: ' (hex dump)', hex: ' (hex)', base64: ' (base64)' };

/** A document of the node's data, as editors open it. */
export function documentUri(connection: string, path: string, view: DataView = 'text', snapshot?: number): vscode.Uri {
  const parts = [VIEW_QUERY[view], snapshot === undefined ? '' : `snapshot=${snapshot}`].filter((p) => p !== '');
  const node = ZkUri.create(connection, path).toUri();
  return node.with({ path: `${node.path}${VIEW_LABEL[view]}`, query: parts.join('&') });
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
  // The view's label after the name (see VIEW_LABEL) is not part of the znode's path; a uri without it names the same document.
  const label = VIEW_LABEL[view];
  const path = label && zk.path.endsWith(label) && zk.path.length > label.length ? zk.path.slice(0, -label.length) : zk.path;
  return { connection: zk.connection, path, view, node: !viewed && snapshot === undefined, ...(snapshot === undefined ? {} : { snapshot }) };
}
