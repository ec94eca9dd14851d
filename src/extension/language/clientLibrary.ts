// The parts of vscode-languageclient the extension uses, bundled on their own (dist/languageClientLibrary.js,
// scripts/build.mjs): it is half of what the extension would load at activation, and most windows never
// open a script or a zoo.cfg. languageClient.ts requires this bundle when the server first starts.
export { CloseAction, ErrorAction, LanguageClient, Trace, TransportKind } from 'vscode-languageclient/node';
