// The results grid webview: virtualized rows, column types in the headers, sort, copy as CSV/JSON.
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import type { PreviewResult } from '../../../server/src/lsp/protocol.js';
import { formatMs, h, listen, post } from './common.js';
import type { ToGrid } from './messages.js';
import { cellText, isNumericType, sortRows, toCsv, toJson, type Row, type SortDir } from './table.js';
import './grid.css';

const ROW_HEIGHT = 22;
const app = document.getElementById('app')!;

const title = h('span', { class: 'title' });
const stats = h('span', { class: 'muted', 'data-testid': 'stats' });
const copyCsv = h('button', { 'data-testid': 'copy-csv', title: 'Copy all rows as CSV' }, 'Copy CSV');
const copyJson = h('button', { 'data-testid': 'copy-json', title: 'Copy all rows as JSON' }, 'Copy JSON');
const saveTest = h('button', { 'data-testid': 'save-unit-test', hidden: true, title: "Save a sample of this model's inputs and its output over them as a unit test in its schema YAML" }, 'Save as unit test');
const saved = h('span', { class: 'muted', 'data-testid': 'save-status' });
const error = h('div', { class: 'error', hidden: true, 'data-testid': 'error' });
const header = h('div', { class: 'header', role: 'row' });
const body = h('div', { class: 'body' });
const viewport = h('div', { class: 'viewport', role: 'grid', 'data-testid': 'grid' }, header, body);
const sql = h('pre');
app.append(
  h('div', { class: 'toolbar' }, title, stats, h('span', { class: 'spacer' }), saved, saveTest, copyCsv, copyJson),
  error,
  viewport,
  h('details', { class: 'sql' }, h('summary', {}, 'SQL'), sql),
);

let result: PreviewResult | undefined;
let rows: Row[] = [];
let sort: { column: number; dir: SortDir } | undefined;

const virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
  count: 0,
  getScrollElement: () => viewport,
  estimateSize: () => ROW_HEIGHT,
  scrollToFn: elementScroll,
  observeElementRect,
  observeElementOffset,
  overscan: 10,
  onChange: () => renderRows(),
});
virtualizer._didMount();

function renderRows(): void {
  if (!result) return;
  const columns = result.columns;
  body.style.height = `${virtualizer.getTotalSize()}px`;
  body.replaceChildren(
    ...virtualizer.getVirtualItems().map((item) => {
      const row = rows[item.index];
      const el = h('div', { class: 'row', role: 'row', 'aria-rowindex': item.index + 1 },
        h('div', { class: 'cell rownum' }, String(item.index + 1)),
        ...columns.map((c) => {
          const value = row[c.name];
          const cls = ['cell', isNumericType(c.type) ? 'num' : '', value == null ? 'null' : ''].filter(Boolean).join(' ');
          const text = cellText(value);
          return h('div', { class: cls, role: 'gridcell', title: text }, text);
        }));
      el.style.transform = `translateY(${item.start}px)`;
      return el;
    }),
  );
}

function renderHeader(): void {
  if (!result) return;
  header.replaceChildren(
    h('div', { class: 'cell rownum' }, '#'),
    ...result.columns.map((c, i) => {
      const cell = h('div', {
        class: 'cell', role: 'columnheader', tabindex: 0, 'data-column': c.name,
        'aria-sort': sort?.column === i ? sort.dir : 'none',
      }, h('span', { class: 'name' }, c.name), h('span', { class: 'type' }, c.type));
      const toggle = () => sortBy(i);
      cell.addEventListener('click', toggle);
      cell.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') toggle(); });
      return cell;
    }),
  );
}

/** Cycles a column through ascending, descending and the query's own order. */
function sortBy(column: number): void {
  if (!result) return;
  const dir: SortDir | undefined = sort?.column !== column ? 'ascending' : sort.dir === 'ascending' ? 'descending' : undefined;
  sort = dir ? { column, dir } : undefined;
  rows = sort ? sortRows(result.rows, result.columns[column], sort.dir) : result.rows;
  renderHeader();
  renderRows();
}

function columnWidths(r: PreviewResult): string {
  const sample = r.rows.slice(0, 200);
  const widths = r.columns.map((c) => {
    const longest = Math.max(c.name.length, c.type.length, ...sample.map((row) => cellText(row[c.name]).length));
    return `${Math.min(Math.max(longest, 4), 60) * 8 + 18}px`;
  });
  const digits = String(r.rows.length).length;
  return [`${digits * 8 + 18}px`, ...widths].join(' ');
}

function show(r: PreviewResult, name: string): void {
  result = r;
  sort = undefined;
  rows = r.rows;
  title.textContent = name;
  const count = `${r.rows.length}${r.truncated ? '+' : ''} row${r.rows.length === 1 ? '' : 's'}`;
  // Column types are the engine's own names: Trino's for a Trino target's preview.
  stats.textContent = `${count} · ${formatMs(r.elapsedMs)}${r.engine === 'trino' ? ' · Trino' : ''}`;
  error.hidden = !r.error;
  error.textContent = r.error ?? '';
  sql.textContent = r.sql;
  viewport.style.setProperty('--columns', columnWidths(r));
  viewport.setAttribute('aria-rowcount', String(r.rows.length));
  copyCsv.disabled = copyJson.disabled = r.rows.length === 0;
  renderHeader();
  virtualizer.setOptions({ ...virtualizer.options, count: r.rows.length, scrollMargin: 0 });
  virtualizer._willUpdate();
  viewport.scrollTop = 0;
  renderRows();
}

copyCsv.addEventListener('click', () => {
  if (result) post({ type: 'copy', text: toCsv(result.columns, rows), what: `${rows.length} rows as CSV` });
});
copyJson.addEventListener('click', () => {
  if (result) post({ type: 'copy', text: toJson(result.columns, rows), what: `${rows.length} rows as JSON` });
});

saveTest.addEventListener('click', () => {
  saveTest.disabled = true;
  saved.textContent = 'saving…';
  post({ type: 'saveUnitTest' });
});

listen<ToGrid>((message) => {
  if (message.type === 'loading') {
    title.textContent = message.title;
    stats.textContent = 'running…';
    saveTest.hidden = true;
  } else if (message.type === 'saved') {
    saveTest.disabled = false;
    saved.textContent = message.text;
    saved.className = message.failed ? 'error-text' : 'muted';
  } else {
    show(message.result, message.title);
    // Only a model's preview can be saved: a selection's query has no inputs to sample.
    saveTest.hidden = !message.model || !!message.result.error;
    saveTest.disabled = false;
    saved.textContent = '';
  }
});
