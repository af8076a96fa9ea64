// The language server (dist/server.js) as the LSP bench starts it, with one addition: on SIGUSR2 it
// runs a full garbage collection (through the inspector, which is what --expose-gc's gc() does) and
// prints its memory before and after to stderr as one JSON line. RSS alone says when V8 last
// collected as much as what the server keeps; the heap after a full collection says what it keeps.
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';

const session = new Session();
session.connect();
process.on('SIGUSR2', () => {
  const before = process.memoryUsage();
  session.post('HeapProfiler.collectGarbage', () => {
    const after = process.memoryUsage();
    process.stderr.write(`medallion-bench-memory ${JSON.stringify({ before, after })}\n`);
  });
});
createRequire(import.meta.url)('../../dist/server.js');
