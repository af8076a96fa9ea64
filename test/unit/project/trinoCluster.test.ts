// The local Trino cluster's configuration (engine up): two nodes on loopback, the coordinator only
// schedules, memory sized for a 2-core machine, and a Hive catalog over the lake that names no secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clusterPlan, hiveCatalog, writeClusterConfig } from '../../../runtime/engine/trinoCluster.js';
import type { LakeConfig, TrinoTarget } from '../../../runtime/project/types.js';

const lake: Extract<LakeConfig, { kind: 's3' }> = { kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'lake', prefix: 'web/', region: 'us-east-1', forcePathStyle: true, accessKeyEnv: 'MINIO_ROOT_USER', secretKeyEnv: 'MINIO_ROOT_PASSWORD' };
const target: TrinoTarget = { host: '127.0.0.1', port: 18080, user: 'medallion', catalog: 'lake', schema: 'main', httpScheme: 'http', sessionProperties: {} };

test('the catalog: Hive with a file metastore in the lake, the lake endpoint, keys only from the environment', () => {
  const text = hiveCatalog(lake);
  assert.match(text, /^connector\.name=hive$/m);
  assert.match(text, /^hive\.metastore\.catalog\.dir=s3:\/\/lake\/web\/_trino\/metastore$/m);
  assert.match(text, /^s3\.endpoint=http:\/\/127\.0\.0\.1:9000$/m);
  assert.match(text, /^s3\.aws-secret-key=\$\{ENV:MEDALLION_S3_SECRET_KEY\}$/m);
  assert.doesNotMatch(text, /MINIO_ROOT_PASSWORD/);
});

test('two nodes: a coordinator that only schedules and a worker on the next port, both on loopback; the worker holds the query memory (6 GiB heap), the coordinator 2 GiB', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'medallion-trino-config-'));
  try {
    const plan = clusterPlan(root, 'prod', target);
    assert.deepEqual(plan.nodes.map((n) => [n.role, n.port]), [['coordinator', 18080], ['worker', 18081]]);
    await writeClusterConfig(plan, target, lake, '/opt/trino');
    const [coordinator, worker] = plan.nodes.map((n) => readFileSync(path.join(n.etc, 'config.properties'), 'utf8'));
    assert.match(coordinator, /^coordinator=true$/m);
    assert.match(coordinator, /^node-scheduler\.include-coordinator=false$/m);
    assert.match(worker, /^coordinator=false$/m);
    assert.match(worker, /^discovery\.uri=http:\/\/127\.0\.0\.1:18080$/m);
    assert.match(worker, /^query\.max-memory-per-node=4GB$/m);
    assert.match(coordinator, /^query\.max-memory-per-node=768MB$/m);
    const heaps = plan.nodes.map((n) => /^-Xmx(\w+)$/m.exec(readFileSync(path.join(n.etc, 'jvm.config'), 'utf8'))?.[1]);
    assert.deepEqual(heaps, ['2G', '6G']);
    for (const node of plan.nodes) {
      assert.match(readFileSync(path.join(node.etc, 'node.properties'), 'utf8'), /^node\.bind-ip=127\.0\.0\.1$/m);
      assert.equal(readFileSync(path.join(node.etc, 'catalog', 'lake.properties'), 'utf8'), hiveCatalog(lake));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
