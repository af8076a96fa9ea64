// The run results webview: status, rows and time per node, live while the run goes, errors linked to file:line.
import { formatMs, h, listen, post } from './common.js';
import type { RunRow, ToRunResults } from './messages.js';
import './runResults.css';

const app = document.getElementById('app')!;
const title = h('span', { class: 'title', 'data-testid': 'run-title' });
const summary = h('span', { class: 'muted', 'data-testid': 'run-summary' });
const bar = h('progress', { max: 1, value: 0 });
const error = h('div', { class: 'error', hidden: true, 'data-testid': 'run-error' });
const rowsBody = h('tbody');
app.append(
  h('div', { class: 'toolbar' }, title, bar, summary),
  error,
  h('table', { 'data-testid': 'run-results' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Status'), h('th', {}, 'Node'), h('th', {}, 'Kind'), h('th', {}, 'Rows'), h('th', {}, 'Time'))),
    rowsBody),
);

/** `file:line[:col]` references inside a message, e.g. 'models/silver/events.sql:12:5'. */
const fileRef = /([\w./-]+\.(?:sql|ya?ml|csv)):(\d+)(?::(\d+))?/g;

function messageWithLinks(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const match of text.matchAll(fileRef)) {
    out.push(text.slice(last, match.index));
    const [whole, file, line, column] = match;
    const link = h('a', { 'data-testid': 'file-link', title: `Open ${whole}` }, whole);
    link.addEventListener('click', () => post({ type: 'open', path: file, line: Number(line), column: column ? Number(column) : undefined }));
    out.push(link);
    last = match.index + whole.length;
  }
  out.push(text.slice(last));
  return out;
}

function render(rows: RunRow[]): void {
  rowsBody.replaceChildren(...rows.flatMap((row) => {
    const status = row.running ? 'running' : row.status;
    const name = row.uri
      ? h('a', { title: `Open ${row.name}` }, row.name)
      : h('span', {}, row.name);
    if (row.uri) name.addEventListener('click', () => post({ type: 'open', uri: row.uri! }));
    const line = h('tr', { 'data-node': row.id, 'data-status': status },
      h('td', { class: `status ${status}` }, status),
      h('td', { class: 'node' }, name),
      h('td', { class: 'muted' }, row.kind),
      h('td', { class: 'num' }, row.rows === undefined ? '' : String(row.rows)),
      h('td', { class: 'num' }, row.running ? '' : formatMs(row.elapsedMs)));
    if (!row.message && !row.location) return [line];
    const failed = status === 'error' || status === 'fail';
    const details: Node[] = [h('pre', {}, ...messageWithLinks(row.message ?? ''))];
    const at = row.location;
    if (at) {
      const link = h('a', { 'data-testid': 'error-location', title: `Open ${at.label}` }, at.label);
      link.addEventListener('click', () => post({ type: 'open', uri: at.uri, line: at.line, column: at.column }));
      details.push(h('div', {}, 'at ', link));
    }
    return [line, h('tr', { class: failed ? 'message failed' : 'message' }, h('td', {}), h('td', { colspan: 4 }, ...details))];
  }));
}

function count(rows: RunRow[]): string {
  const by = new Map<string, number>();
  for (const row of rows) if (!row.running) by.set(row.status, (by.get(row.status) ?? 0) + 1);
  return [...by].map(([status, n]) => `${n} ${status}`).join(' · ');
}

listen<ToRunResults>((message) => {
  if (message.type === 'start') {
    title.textContent = message.title;
    summary.textContent = 'starting…';
    error.hidden = true;
    bar.hidden = false;
    bar.max = Math.max(1, message.total);
    bar.value = 0;
    app.dataset.state = 'running';
    render([]);
  } else if (message.type === 'progress') {
    bar.max = Math.max(1, message.total);
    bar.value = message.done;
    summary.textContent = `${message.done}/${message.total} · ${count(message.rows)}`;
    render(message.rows);
  } else {
    const { result } = message;
    title.textContent = message.title;
    bar.hidden = true;
    summary.textContent = `${result.status} in ${formatMs(result.elapsedMs)} · ${count(message.rows)}`;
    error.hidden = !result.error;
    error.textContent = result.error ?? '';
    app.dataset.state = result.status;
    render(message.rows);
  }
});
