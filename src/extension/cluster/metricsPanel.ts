// The metrics panel (`zookeeper.showMetrics`): one webview per connection charting its servers'
// figures over the last hour, and `zookeeper.exportMetrics` saving them as CSV. The sampling and the
// series live in src/zk/cluster/metrics.ts; this file wires them to a webview and to visibility:
// a connection's sampler polls only while its panel, or the Cluster view, is visible.
import * as vscode from 'vscode';
import { METRIC_CHARTS, METRICS_WINDOW_MS, MetricsSampler, metricsCsv, type ClusterReport, type MetricsSample } from '../../zk/cluster';
import type { Logger } from '../logging';
import { webviewHtml } from '../webviewHtml';
import { webviewL10nBlock, webviewLang } from '../webviewL10n';

export const METRICS_PANEL_TYPE = 'zookeeper.metrics';

export function metricsIntervalMs(): number {
  const seconds = vscode.workspace.getConfiguration('zookeeper.cluster').get<number>('metricsInterval', 5);
  return (Number.isFinite(seconds) && seconds >= 1 ? seconds : 5) * 1000;
}

interface Entry {
  sampler: MetricsSampler;
  panel?: vscode.WebviewPanel;
  /** The webview said it is ready: until then samples would be lost, it gets them all on 'ready'. */
  ready: boolean;
}

/** The panels and their samplers, by connection name. A closed panel's history stays (an hour at most). */
export class MetricsPanels implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private viewVisible = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly probe: (connection: string) => Promise<ClusterReport>,
    private readonly log: Logger,
    /** Runs `zookeeper.exportMetrics` for the panel's Export button. */
    private readonly exportCommand: (connection: string) => Thenable<unknown>,
  ) {}

  /** The Cluster view's visibility also keeps the open panels' samplers going. */
  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    for (const entry of this.entries.values()) this.updateActive(entry);
  }

  reschedule(): void {
    for (const entry of this.entries.values()) {
      entry.sampler.reschedule();
      void entry.panel?.webview.postMessage({ type: 'interval', intervalMs: metricsIntervalMs() });
    }
  }

  samples(connection: string): MetricsSample[] {
    return this.entries.get(connection)?.sampler.history.samples() ?? [];
  }

  isPolling(connection: string): boolean {
    return this.entries.get(connection)?.sampler.isActive ?? false;
  }

  csv(connection: string): string {
    return metricsCsv(this.samples(connection));
  }

  /** Opens (or reveals) the connection's panel. */
  show(connection: string): vscode.WebviewPanel {
    const entry = this.entryOf(connection);
    if (entry.panel) {
      entry.panel.reveal(undefined, true);
      return entry.panel;
    }
    const panel = vscode.window.createWebviewPanel(METRICS_PANEL_TYPE, `Metrics: ${connection}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, {
      ...this.webviewOptions(),
      // Hidden behind another tab it keeps its samples without re-sending an hour of them.
      retainContextWhenHidden: true,
    });
    this.adopt(entry, connection, panel);
    return panel;
  }

  /**
   * A panel VS Code restored after a reload (the cluster feature's WebviewPanelSerializer, which loaded
   * the feature): its webview kept the connection's name (setState in media/metrics/panel.js; the
   * title "Metrics: <name>" for a panel saved before it did). It charts that connection again from a
   * new first sample: the samples lived in the window that closed. The figures come from the servers'
   * four-letter words and AdminServer, not from the session, so a connection not connected yet charts too.
   */
  revive(panel: vscode.WebviewPanel, state: unknown, connections: { get(name: string): unknown }): void {
    const saved = typeof state === 'object' && state !== null ? (state as { connection?: unknown }).connection : undefined;
    const connection = typeof saved === 'string' ? saved : /^Metrics: (.+)$/.exec(panel.title)?.[1];
    if (connection === undefined || !connections.get(connection)) {
      // A connection removed since: nothing to chart, and an empty panel would say nothing.
      this.log.info(`metrics panel not restored: ${connection === undefined ? 'no connection name was kept' : `no connection named ${connection}`}`);
      panel.dispose();
      return;
    }
    const entry = this.entryOf(connection);
    if (entry.panel) {
      // Opened meanwhile (Show Metrics ran before VS Code revived this one): one panel per connection.
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.adopt(entry, connection, panel);
  }

  private webviewOptions(): vscode.WebviewOptions {
    // Only the bundled script: nothing else of the extension is readable from the webview.
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
  }

  /** Makes `panel` the connection's panel: its page, its messages, and the sampler following its visibility. */
  private adopt(entry: Entry, connection: string, panel: vscode.WebviewPanel): void {
    entry.panel = panel;
    entry.ready = false;
    panel.webview.html = this.html(panel.webview);
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: { type?: string }) => {
        if (message.type === 'ready') {
          entry.ready = true;
          void panel.webview.postMessage({ type: 'init', connection, intervalMs: metricsIntervalMs(), windowMs: METRICS_WINDOW_MS, charts: METRIC_CHARTS, samples: entry.sampler.history.samples() });
        } else if (message.type === 'export') {
          void Promise.resolve(this.exportCommand(connection)).then(undefined, () => undefined);
        }
      }),
      panel.onDidChangeViewState(() => this.updateActive(entry)),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (entry.panel === panel) entry.panel = undefined;
      entry.ready = false;
      this.updateActive(entry);
    });
    this.updateActive(entry);
  }

  private entryOf(connection: string): Entry {
    let entry = this.entries.get(connection);
    if (entry) return entry;
    const created: Entry = {
      ready: false,
      sampler: new MetricsSampler({
        probe: () => this.probe(connection),
        intervalMs: metricsIntervalMs,
        onSample: (sample) => {
          if (created.panel && created.ready) void created.panel.webview.postMessage({ type: 'sample', sample });
        },
        onError: (error) => {
          const message = error instanceof Error ? error.message : String(error);
          this.log.warn(`metrics of ${connection}: ${message}`);
          if (created.panel && created.ready) void created.panel.webview.postMessage({ type: 'error', message });
        },
      }),
    };
    entry = created;
    this.entries.set(connection, entry);
    return entry;
  }

  private updateActive(entry: Entry): void {
    entry.sampler.setActive(entry.panel !== undefined && (entry.panel.visible || this.viewVisible));
  }

  /** A connection went away: its panel and history go with it. */
  forget(connection: string): void {
    const entry = this.entries.get(connection);
    if (!entry) return;
    entry.sampler.dispose();
    entry.panel?.dispose();
    this.entries.delete(connection);
  }

  connections(): string[] {
    return [...this.entries.keys()];
  }

  private html(webview: vscode.Webview): string {
    return webviewHtml(webview, {
      lang: webviewLang(),
      title: vscode.l10n.t('ZooKeeper metrics'),
      body: '<div id="header"></div>\n<div id="charts"></div>\n<div id="tooltip" role="tooltip"></div>',
      l10n: webviewL10nBlock('metricsPanel'),
      script: vscode.Uri.joinPath(this.extensionUri, 'dist', 'metrics.js'),
      style: { css: PANEL_CSS },
    });
  }

  dispose(): void {
    for (const entry of this.entries.values()) {
      entry.sampler.dispose();
      entry.panel?.dispose();
    }
    this.entries.clear();
  }
}

/** Theme colours only (VS Code sets these variables for light, dark and high contrast themes). */
const PANEL_CSS = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 8px 16px; }
.title { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.title button { margin-left: auto; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); padding: 4px 10px; cursor: pointer; }
.title button:hover { background: var(--vscode-button-hoverBackground); }
.muted { color: var(--vscode-descriptionForeground); }
.error { color: var(--vscode-errorForeground); margin-top: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 8px 0; }
.legend-item { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.dash-sample { display: inline-block; width: 18px; border-top: 2px dashed var(--vscode-foreground); }
.chart h3 { font-size: 1em; font-weight: 600; margin: 12px 0 2px; }
svg { display: block; overflow: visible; }
.grid { stroke: var(--vscode-charts-lines, var(--vscode-editorWidget-border)); stroke-opacity: 0.5; stroke-width: 1; }
.axis { fill: var(--vscode-descriptionForeground); font-size: 10px; }
.line { fill: none; stroke-width: 1.8; }
.line.dash { stroke-dasharray: 5 3; }
.cursor { stroke: var(--vscode-foreground); stroke-opacity: 0.6; stroke-width: 1; }
.hit { fill: transparent; cursor: crosshair; }
#tooltip { position: fixed; display: none; pointer-events: none; z-index: 10; padding: 6px 8px; background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground); border: 1px solid var(--vscode-editorHoverWidget-border); border-radius: 3px; }
#tooltip.shown { display: block; }
.c0 { stroke: var(--vscode-charts-blue); fill: var(--vscode-charts-blue); }
.c1 { stroke: var(--vscode-charts-orange); fill: var(--vscode-charts-orange); }
.c2 { stroke: var(--vscode-charts-green); fill: var(--vscode-charts-green); }
.c3 { stroke: var(--vscode-charts-purple); fill: var(--vscode-charts-purple); }
.c4 { stroke: var(--vscode-charts-red); fill: var(--vscode-charts-red); }
.c5 { stroke: var(--vscode-charts-yellow); fill: var(--vscode-charts-yellow); }
span.swatch.c0 { background: var(--vscode-charts-blue); } span.swatch.c1 { background: var(--vscode-charts-orange); }
span.swatch.c2 { background: var(--vscode-charts-green); } span.swatch.c3 { background: var(--vscode-charts-purple); }
span.swatch.c4 { background: var(--vscode-charts-red); } span.swatch.c5 { background: var(--vscode-charts-yellow); }
.line.c0, .line.c1, .line.c2, .line.c3, .line.c4, .line.c5 { fill: none; }
`;
