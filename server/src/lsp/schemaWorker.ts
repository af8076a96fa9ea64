// Parses schema YAML files on a worker thread. YAML is most of a cold index; on a worker it leaves
// the main thread free for requests, can use another core, and its garbage (the YAML documents)
// goes away with the worker instead of swelling the server's heap.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { parseFile } from '../../../runtime/project/load.js';
import type { ParsedFile } from '../../../runtime/project/summary.js';
import type { Result } from '../../../runtime/project/types.js';

interface Job {
  role: 'medallion-schema-parser';
  files: Array<{ file: string; text: string }>;
}

/** Parses the files on a worker started from `entry` (the server's own bundle). */
export function parseSchemasOnWorker(entry: string, files: Array<{ file: string; text: string }>): Promise<Array<Result<ParsedFile>>> {
  return new Promise((resolve, reject) => {
    const job: Job = { role: 'medallion-schema-parser', files };
    const worker = new Worker(entry, { workerData: job, argv: [] });
    worker.once('message', (results: Array<Result<ParsedFile>>) => {
      resolve(results);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`schema parser exited with code ${code}`)));
  });
}

/** True (and the work is done) when this thread is a schema-parsing worker. */
export function runSchemaWorker(): boolean {
  if (isMainThread || (workerData as Job | undefined)?.role !== 'medallion-schema-parser') return false;
  const { files } = workerData as Job;
  parentPort!.postMessage(files.map(({ file, text }) => parseFile('schema', file, text)));
  return true;
}
