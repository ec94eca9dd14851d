import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAutomationCall } from './commands/registerCommand';
import { UserError, userMessage } from './errors';
import type { Logger } from './logging';
// Types only: erased from the core bundle, so that none of these modules loads at activation.
import type * as acl from './acl';
import type * as cluster from './cluster';
import type * as coordination from './coordination';
import type * as scripts from './scripts/runScript';
import type * as search from './search';
import type * as staging from './staging';
import type * as transfer from './transfer';
import type * as watches from './watches';
import type * as zkClient from '../zk/client';

/**
 * The feature bundles scripts/build.mjs makes (its FEATURES): dist/feature-<name>.js, each the named
 * module with what only it uses. Our modules the core (dist/core.js) already holds are read from
 * the core at runtime, never copied, so one ZkError/UserError class serves every bundle.
 */
export interface FeatureModules {
  acl: typeof acl;
  cluster: typeof cluster;
  coordination: typeof coordination;
  scripts: typeof scripts;
  search: typeof search;
  staging: typeof staging;
  transfer: typeof transfer;
  watches: typeof watches;
  /** Not a feature with triggers: the ZooKeeper client, required by a connection's first connect. */
  zkClient: typeof zkClient;
}
export type FeatureName = keyof FeatureModules;

/** What first use of a feature looks like; any of them loads it. */
export interface FeatureTriggers<T = unknown> {
  /** Contributed commands the feature registers: stand-ins until then, which load it and run the real one. */
  commands?: readonly string[];
  /** Views the feature provides: a stand-in provider until the view first shows. */
  views?: readonly string[];
  /**
   * Its read-only documents, by scheme, and where the loaded feature keeps their provider. A stand-in
   * provider of each scheme answers until the feature has loaded: the first document asked for (opened
   * by another extension or a link, a side of a diff) loads the feature and gets the real provider's
   * answer. Each scheme needs "onFileSystem:<scheme>" in package.json's activationEvents, so that such a
   * document activates the extension first. (VS Code 1.10x does not bring back an editor of a content
   * provider after a reload, nor a diff with one as a side; were it to, this is the path it would take.)
   */
  schemes?: Readonly<Record<string, (made: T) => vscode.TextDocumentContentProvider>>;
  /**
   * Its webview panels, by view type: one VS Code restores after a reload loads the feature, and this
   * function revives it (each type needs "onWebviewPanel:<type>" in package.json's activationEvents).
   */
  webviewPanels?: Readonly<Record<string, (made: T, panel: vscode.WebviewPanel, state: unknown) => Thenable<void> | void>>;
}

/** Requires dist/feature-<name>.js. A function of its own so that a test build can stand in for it. */
export type FeatureRequire = <K extends FeatureName>(name: K) => FeatureModules[K];

/**
 * Requires feature-<name>.js from `dir`. A bundle that fails (missing, corrupt, a throw at its top level)
 * is not kept in Node's module cache, so the next call tries the file again.
 */
export function bundleRequire(dir: string): FeatureRequire {
  // A computed path, so esbuild leaves this require to run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (name) => require(path.join(dir, `feature-${name}.js`)) as FeatureModules[typeof name];
}

// `__dirname` is dist/ in the bundle.
export const requireBundle: FeatureRequire = bundleRequire(__dirname);

/**
 * A feature's bundle could not be loaded, or its registration threw. The sentence says what failed and
 * what to do; the cause (the require's or the registration's own error, with its stack) goes to the log.
 * Its stand-ins stay, so the next use tries again.
 */
export class FeatureLoadError extends UserError {
  constructor(
    readonly feature: FeatureName,
    override readonly cause: unknown,
  ) {
    super(
      vscode.l10n.t(
        'ZooKeeper Explorer could not load its "{0}" feature ({1}): reload the window, and if it keeps failing, reinstall the extension; the details are in the "ZooKeeper" output.',
        feature,
        cause instanceof Error ? cause.message.split('\n')[0] : String(cause),
      ),
    );
  }
}

/**
 * The ZooKeeper client, for a connection's connect: its bundle (dist/feature-zkClient.js) and the wire
 * library it requires (dist/zkClientLibrary.js), both loaded here, so that either one missing or broken
 * is the feature sentence (logged with its stack), not a raw require error at the first connect. Nothing
 * is kept of a failed attempt: the next connect requires both again.
 */
export function requireZkClient(log: Logger, requireFeature: FeatureRequire = requireBundle): FeatureModules['zkClient'] {
  try {
    const module = requireFeature('zkClient');
    module.loadWireLibrary();
    return module;
  } catch (error) {
    log.error('could not load the ZooKeeper client; the connection is kept and the next connect tries again', error);
    throw new FeatureLoadError('zkClient', error);
  }
}

/** A feature loaded on first use: `get()` loads it (once) and returns what its registration made. */
export class LazyFeature<T, M = unknown> implements vscode.Disposable {
  private value: { made: T } | undefined;
  private loading = false;
  private triggers: FeatureTriggers<T> = {};
  private readonly standIns: vscode.Disposable[] = [];
  private readonly serializers: vscode.Disposable[] = [];
  private readonly loadedEmitter = new vscode.EventEmitter<T>();
  /** Fires once, when the feature has loaded (for wiring that must wait until then). */
  readonly onDidLoad = this.loadedEmitter.event;

  constructor(
    readonly name: FeatureName,
    private readonly requireModule: () => M,
    private readonly register: (module: M) => T,
    private readonly log: Logger,
    /**
     * Where the registration puts every Disposable it makes (the extension's context.subscriptions): a
     * registration that throws part-way has what it made so far disposed, so that its stand-ins can come back.
     */
    private readonly subscriptions: vscode.Disposable[] = [],
  ) {}

  get loaded(): boolean {
    return this.value !== undefined;
  }

  /**
   * Loads the feature now (synchronously: its bundle is required) unless it has loaded already. A bundle
   * that cannot be loaded, or a registration that throws, throws a FeatureLoadError and leaves the
   * stand-ins in place: the next use tries again.
   */
  get(): T {
    if (this.value) return this.value.made;
    if (this.loading) throw new Error(`feature ${this.name} is used while it loads (a cycle between features)`);
    this.loading = true;
    try {
      const started = Date.now();
      let module: M;
      try {
        module = this.requireModule();
      } catch (error) {
        // Logged here, with the require's own stack, once per failed attempt; callers show the sentence.
        this.log.error(`could not load feature ${this.name}; its commands stay and the next use tries again`, error);
        throw new FeatureLoadError(this.name, error);
      }
      // Only now the stand-ins go: the feature registers the same command ids and views.
      for (const standIn of this.standIns.splice(0)) standIn.dispose();
      const mark = this.subscriptions.length;
      let made: T;
      try {
        made = this.register(module);
      } catch (error) {
        // All or nothing, as the user sees it: half a feature (some of its commands real, the others
        // gone with their stand-ins) would answer "command not found". What it registered goes, newest
        // first, and the stand-ins come back; the next use runs the registration again.
        for (const made of this.subscriptions.splice(mark).reverse()) {
          try {
            made.dispose();
          } catch (disposeError) {
            this.log.warn(`feature ${this.name}: disposing a half-made registration: ${disposeError instanceof Error ? disposeError.message : String(disposeError)}`);
          }
        }
        this.armStandIns();
        this.log.error(`could not register feature ${this.name}; its commands stay and the next use tries again`, error);
        throw new FeatureLoadError(this.name, error);
      }
      this.value = { made };
      this.log.info(`loaded feature ${this.name} in ${Date.now() - started} ms`);
      this.loadedEmitter.fire(made);
      return made;
    } finally {
      this.loading = false;
    }
  }

  /** Stand-ins for its commands, views and documents, and serializers of its webviews. */
  arm(triggers: FeatureTriggers<T>): void {
    this.triggers = triggers;
    for (const [viewType, revive] of Object.entries(triggers.webviewPanels ?? {})) {
      // Not a stand-in: the feature registers no serializer of its own, so this one stays for the session.
      this.serializers.push(
        vscode.window.registerWebviewPanelSerializer(viewType, {
          deserializeWebviewPanel: async (panel, state) => {
            const made = this.ensure();
            if (made === undefined) panel.dispose(); // ensure() said why
            else await revive(made, panel, state);
          },
        }),
      );
    }
    this.armStandIns();
  }

  private armStandIns(): void {
    const triggers = this.triggers;
    for (const id of triggers.commands ?? []) {
      this.standIns.push(
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            this.get();
          } catch (error) {
            // What the real command wrapper does with an error (registerCommand): automation gets it back, the UI a notification.
            const message = userMessage(error);
            if (!(error instanceof FeatureLoadError)) this.log.error(`${id}: loading feature ${this.name}: ${message}`, error);
            if (isAutomationCall(args)) throw new Error(message);
            void vscode.window.showErrorMessage(message);
            return undefined;
          }
          // The real command now: its own wrapper reports its errors (once).
          return vscode.commands.executeCommand(id, ...args);
        }),
      );
    }
    for (const id of triggers.views ?? []) {
      // A provider with nothing to show, replaced by the feature's own when the view first shows
      // (VS Code keeps the last tree view made for an id; disposing the stand-in first frees it).
      const load = (): void => void this.ensure();
      const standIn = vscode.window.createTreeView<never>(id, {
        treeDataProvider: {
          getTreeItem: (element) => element,
          getChildren: () => {
            setTimeout(load, 0);
            return [];
          },
        },
      });
      this.standIns.push(standIn, standIn.onDidChangeVisibility((e) => e.visible && load()));
      if (standIn.visible) setTimeout(load, 0);
    }
    for (const [scheme, providerOf] of Object.entries(triggers.schemes ?? {})) {
      // VS Code asks the providers of a scheme newest first and stops at the first answer: the stand-in
      // answers itself, with the real provider's text (loading the feature disposes the stand-in, and
      // from then on the feature's own provider, registered meanwhile, answers alone).
      this.standIns.push(
        vscode.workspace.registerTextDocumentContentProvider(scheme, {
          provideTextDocumentContent: (uri, token) => {
            let made: T;
            try {
              made = this.get();
            } catch (error) {
              // The document says it (a notification would repeat it for each side of a diff).
              const message = userMessage(error);
              if (!(error instanceof FeatureLoadError)) this.log.error(`${scheme} document: loading feature ${this.name}: ${message}`, error);
              return `${message}\n`;
            }
            return providerOf(made).provideTextDocumentContent(uri, token);
          },
        }),
      );
    }
  }

  /** get() for a trigger with nobody to tell (an event, a timer): a failure is logged and shown. */
  ensure(): T | undefined {
    try {
      return this.get();
    } catch (error) {
      const message = userMessage(error);
      if (!(error instanceof FeatureLoadError)) this.log.error(`loading feature ${this.name}: ${message}`, error);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  dispose(): void {
    for (const standIn of [...this.standIns.splice(0), ...this.serializers.splice(0)]) standIn.dispose();
    this.loadedEmitter.dispose();
  }
}

/**
 * The lazy half of the composition root: `features.add(name, triggers, (module) => register…)` keeps a
 * feature's module out of activation until a trigger fires (or get() is called); the registration
 * function then runs once, with the module's exports.
 */
export class LazyFeatures implements vscode.Disposable {
  private readonly all: { readonly name: FeatureName; readonly loaded: boolean; dispose(): void }[] = [];
  private readonly schemes: string[] = [];
  private readonly webviewPanels: string[] = [];

  constructor(
    private readonly log: Logger,
    private readonly requireFeature: FeatureRequire = requireBundle,
    /** Where registrations put their Disposables (context.subscriptions): see LazyFeature's `subscriptions`. */
    private readonly subscriptions: vscode.Disposable[] = [],
  ) {}

  add<K extends FeatureName, T>(name: K, triggers: FeatureTriggers<T>, register: (module: FeatureModules[K]) => T): LazyFeature<T, FeatureModules[K]> {
    const feature = new LazyFeature<T, FeatureModules[K]>(name, () => this.requireFeature(name), register, this.log, this.subscriptions);
    feature.arm(triggers);
    this.all.push(feature);
    this.schemes.push(...Object.keys(triggers.schemes ?? {}));
    this.webviewPanels.push(...Object.keys(triggers.webviewPanels ?? {}));
    return feature;
  }

  /** The document schemes and webview types the features declared (the tests hold package.json's activationEvents to them). */
  declared(): { schemes: string[]; webviewPanels: string[] } {
    return { schemes: [...this.schemes], webviewPanels: [...this.webviewPanels] };
  }

  /** Names of the features loaded so far (the log and the tests). */
  loaded(): FeatureName[] {
    return this.all.filter((f) => f.loaded).map((f) => f.name);
  }

  dispose(): void {
    for (const feature of this.all.splice(0)) feature.dispose();
  }
}
