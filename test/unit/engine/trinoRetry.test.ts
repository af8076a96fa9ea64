// The Trino session submits a statement again while the coordinator has no worker (NO_NODES_AVAILABLE),
// and gives other errors at once. Against a small HTTP server speaking Trino's statement protocol (the
// real cluster is in test/integration/trino; a worker cannot be made to vanish there on cue).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrinoAdapter, TrinoError } from '../../../runtime/engine/trino.js';

/** A coordinator that answers each submitted statement with the next of `answers` (an error name or rows). */
async function coordinator(answers: Array<string | number[][]>): Promise<{ server: Server; port: number; submitted: () => number }> {
  let submitted = 0;
  // As Trino does: the POST queues the statement and names the next page; that page holds the outcome.
  const server = createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    const port = (server.address() as AddressInfo).port;
    if (req.method === 'POST') {
      const id = `q${submitted++}`;
      res.end(JSON.stringify({ id, infoUri: '', nextUri: `http://127.0.0.1:${port}/v1/statement/queued/${id}/1`, stats: { state: 'QUEUED' } }));
      return;
    }
    const id = /queued\/(q\d+)/.exec(req.url ?? '')?.[1] ?? 'q0';
    const answer = answers[Math.min(Number(id.slice(1)), answers.length - 1)];
    const body = typeof answer === 'string'
      ? { id, infoUri: '', stats: { state: 'FAILED' }, error: { message: answer === 'NO_NODES_AVAILABLE' ? 'No nodes available to run query' : 'boom', errorName: answer, errorCode: 1, errorType: 'INTERNAL_ERROR' } }
      : { id, infoUri: '', stats: { state: 'FINISHED' }, columns: [{ name: 'x', type: 'integer' }], data: answer };
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, submitted: () => submitted };
}

const connect = (port: number) => new TrinoAdapter({ host: '127.0.0.1', port, user: 'medallion', catalog: 'lake', schema: 'main', httpScheme: 'http', sessionProperties: {} });

test('a statement refused for want of a worker is submitted again until a worker runs it', async () => {
  const { server, port, submitted } = await coordinator(['NO_NODES_AVAILABLE', 'NO_NODES_AVAILABLE', [[7]]]);
  try {
    const result = await connect(port).query('select 7 as x');
    assert.deepEqual(result.rows, [{ x: 7 }]);
    assert.equal(submitted(), 3);
  } finally {
    server.close();
  }
});

test('any other error is thrown at once, with its name', async () => {
  const { server, port, submitted } = await coordinator(['SYNTAX_ERROR', [[1]]]);
  try {
    await assert.rejects(connect(port).query('select'), (e: unknown) => e instanceof TrinoError && e.errorName === 'SYNTAX_ERROR');
    assert.equal(submitted(), 1);
  } finally {
    server.close();
  }
});
