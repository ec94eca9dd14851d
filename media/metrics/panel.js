// The metrics panel's script (runs in the webview; bundled by esbuild into dist/metrics.js with the
// chart geometry of src/zk/cluster/chart.ts). It keeps the samples the extension posts (the last
// hour), draws one SVG line chart per figure and shows the values under the mouse. Colours are VS
// Code's chart theme colours through CSS classes (the CSP allows no inline style attributes).
'use strict';
/* global document, window, acquireVsCodeApi */
const { chartLines, formatClock, formatFigure, frameOf, linePath, nearestIndex, xOf, yOf } = require('../../src/zk/cluster/chart');
const { bundleLocalizer, setLocalizer, t } = require('../../src/zk/l10n');

// The display language's bundle, put in the page by the extension (src/extension/webviewL10n.ts).
setLocalizer(bundleLocalizer(JSON.parse(document.getElementById('l10n')?.textContent || '{}')));

const vscode = acquireVsCodeApi();
const PALETTE = 6; // .c0 … .c5 in the panel's style sheet
const MARGIN = { left: 56, right: 12, top: 8, bottom: 22 };
const HEIGHT = 150;

/** @type {{ connection: string, intervalMs: number, windowMs: number, charts: any[], samples: any[], hover: number | undefined, error: string | undefined }} */
const state = { connection: '', intervalMs: 5000, windowMs: 3600000, charts: [], samples: [], hover: undefined, error: undefined };

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function servers() {
  const seen = [];
  for (const sample of state.samples) for (const s of sample.servers) if (!seen.includes(s.server)) seen.push(s.server);
  return seen;
}

function colourOf(server) {
  return `c${servers().indexOf(server) % PALETTE}`;
}

function renderHeader() {
  const last = state.samples[state.samples.length - 1];
  const header = document.getElementById('header');
  const legend = servers()
    .map((server) => {
      const s = last?.servers.find((x) => x.server === server);
      const status = s ? `${s.role === 'unknown' ? '' : `${s.role} · `}${s.state}` : t('not in the last sample');
      return `<span class="legend-item"><span class="swatch ${colourOf(server)}"></span>${escapeHtml(server)} <span class="muted">${escapeHtml(status)}</span></span>`;
    })
    .join('');
  const when = last ? t('last sample {0}', formatClock(last.t)) : t('waiting for the first sample…');
  const kept = state.samples.length === 1 ? t('{0} sample (the last hour is kept)', state.samples.length) : t('{0} samples (the last hour is kept)', state.samples.length);
  header.innerHTML =
    `<div class="title"><strong>${escapeHtml(state.connection)}</strong> <span class="muted">${escapeHtml(t('every {0} s', state.intervalMs / 1000))} · ` +
    `${escapeHtml(kept)} · ${escapeHtml(when)}</span>` +
    `<button id="export" title="${escapeHtml(t('Save the samples as CSV'))}">${escapeHtml(t('Export CSV…'))}</button></div>` +
    `<div class="legend">${legend}<span class="legend-item"><span class="dash-sample"></span><span class="muted">${escapeHtml(t('second figure of a chart (max, sent)'))}</span></span></div>` +
    (state.error ? `<div class="error">${escapeHtml(state.error)}</div>` : '');
  document.getElementById('export').addEventListener('click', () => vscode.postMessage({ type: 'export' }));
}

function renderChart(container, chart) {
  const width = Math.max(240, container.clientWidth || 600);
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const times = state.samples.map((s) => s.t);
  const lines = chartLines(state.samples, chart);
  const frame = frameOf(lines, plotW, plotH, times);
  const parts = [];
  for (const v of frame.ticks.values) {
    const y = yOf(frame, v).toFixed(1);
    parts.push(`<line class="grid" x1="0" x2="${plotW}" y1="${y}" y2="${y}"></line>`);
    parts.push(`<text class="axis" x="-6" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatFigure(v))}</text>`);
  }
  if (times.length) {
    parts.push(`<text class="axis" x="0" y="${plotH + 16}">${formatClock(frame.t0)}</text>`);
    parts.push(`<text class="axis" x="${plotW}" y="${plotH + 16}" text-anchor="end">${formatClock(frame.t1)}</text>`);
  }
  for (const line of lines) {
    const d = linePath(frame, line.points);
    if (d) parts.push(`<path class="line ${colourOf(line.server)}${line.index ? ' dash' : ''}" d="${d}"></path>`);
    // A lone sample has no segment to draw: a dot shows it.
    const known = line.points.filter((p) => p.v !== undefined);
    if (known.length === 1) parts.push(`<circle class="dot ${colourOf(line.server)}" r="2.5" cx="${xOf(frame, known[0].t).toFixed(1)}" cy="${yOf(frame, known[0].v).toFixed(1)}"></circle>`);
  }
  if (state.hover !== undefined && times[state.hover] !== undefined) {
    const x = xOf(frame, times[state.hover]).toFixed(1);
    parts.push(`<line class="cursor" x1="${x}" x2="${x}" y1="0" y2="${plotH}"></line>`);
    for (const line of lines) {
      const p = line.points[state.hover];
      if (p && p.v !== undefined) parts.push(`<circle class="dot ${colourOf(line.server)}" r="3" cx="${x}" cy="${yOf(frame, p.v).toFixed(1)}"></circle>`);
    }
  }
  container.innerHTML =
    `<h3>${escapeHtml(t(chart.title))}</h3>` +
    `<svg width="${width}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(t(chart.title))}"><g transform="translate(${MARGIN.left},${MARGIN.top})">${parts.join('')}` +
    `<rect class="hit" x="0" y="0" width="${plotW}" height="${plotH}"></rect></g></svg>`;
  const hit = container.querySelector('rect.hit');
  hit.addEventListener('mousemove', (event) => {
    const box = hit.getBoundingClientRect();
    const at = frame.t0 + ((event.clientX - box.left) / Math.max(1, box.width)) * (frame.t1 - frame.t0);
    const index = nearestIndex(times, at);
    if (index !== state.hover) {
      state.hover = index;
      renderCharts();
    }
    showTooltip(chart, lines, index, event.clientX, event.clientY);
  });
  hit.addEventListener('mouseleave', () => {
    state.hover = undefined;
    document.getElementById('tooltip').classList.remove('shown');
    renderCharts();
  });
}

function showTooltip(chart, lines, index, clientX, clientY) {
  const tooltip = document.getElementById('tooltip');
  if (index < 0) return tooltip.classList.remove('shown');
  const rows = lines.map((line) => {
    const p = line.points[index];
    const label = chart.series.length > 1 ? ` ${t(line.label)}` : '';
    return `<div><span class="swatch ${colourOf(line.server)}"></span>${escapeHtml(line.server)}${escapeHtml(label)}: <strong>${escapeHtml(formatFigure(p && p.v, chart.unit))}</strong></div>`;
  });
  tooltip.innerHTML = `<div class="muted">${formatClock(state.samples[index].t)}</div>${rows.join('')}`;
  tooltip.classList.add('shown');
  // Positioned through the CSSOM, which the CSP allows (unlike a style attribute).
  const left = Math.min(clientX + 14, window.innerWidth - tooltip.offsetWidth - 8);
  tooltip.style.left = `${Math.max(4, left)}px`;
  tooltip.style.top = `${clientY + 14}px`;
}

function renderCharts() {
  const root = document.getElementById('charts');
  if (root.children.length !== state.charts.length) {
    root.innerHTML = state.charts.map((c) => `<section class="chart" data-chart="${escapeHtml(c.id)}"></section>`).join('');
  }
  state.charts.forEach((chart, i) => renderChart(root.children[i], chart));
}

function render() {
  renderHeader();
  renderCharts();
  document.body.dataset.samples = String(state.samples.length);
}

function trim() {
  const newest = state.samples.length ? state.samples[state.samples.length - 1].t : 0;
  while (state.samples.length && state.samples[0].t < newest - state.windowMs) state.samples.shift();
}

window.addEventListener('message', (event) => {
  const message = event.data;
  if (message.type === 'init') {
    // What VS Code keeps of the panel across a reload: the connection, for the extension to chart it again.
    vscode.setState({ connection: message.connection });
    Object.assign(state, { connection: message.connection, intervalMs: message.intervalMs, windowMs: message.windowMs, charts: message.charts, samples: message.samples, hover: undefined, error: undefined });
  } else if (message.type === 'sample') {
    state.samples.push(message.sample);
    state.error = undefined;
    if (state.hover !== undefined && state.hover >= state.samples.length - 1) state.hover = undefined;
    trim();
  } else if (message.type === 'interval') {
    state.intervalMs = message.intervalMs;
  } else if (message.type === 'error') {
    state.error = message.message;
  } else return;
  render();
});
window.addEventListener('resize', () => renderCharts());
vscode.postMessage({ type: 'ready' });
