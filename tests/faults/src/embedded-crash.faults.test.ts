import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFailoverProxy,
  startGatewayProcess,
  until,
  type FailoverProxy,
  type GatewayProcess,
} from '@spreekuur/testing/processes';
import { canaryHits, newCanary } from './canary.ts';
import { castOrganisation, type Cast } from './cast.ts';
import { recordFigure } from './figures.ts';
import { describeCounts, Ledger, sleep, steadyTraffic } from './ledger.ts';

/**
 * The default deployment: one process, embedded PostgreSQL (PGlite) under DATA_DIR, no
 * Redis. Killed with SIGKILL while everyone is sending, then started again on the same data
 * directory: every message it acked is still there and reaches every recipient once; what
 * it had not acked the SDK sends again, and that arrives once too.
 */
const operatorToken = randomBytes(24).toString('hex');
const canary = newCanary();
let dataDir: string;
let node: GatewayProcess;
let proxy: FailoverProxy;
let cast: Cast;
let ledger: Ledger;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-faults-embedded-'));
  node = await startGatewayProcess({
    NODE_ID: 'embedded',
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    OPERATOR_TOKEN: operatorToken,
    LOG_LEVEL: 'info',
    RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '1000',
    RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '1000',
    RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: '10000',
    RATE_LIMIT_AUTH_PER_MINUTE: '10000',
  });
  proxy = await startFailoverProxy([node.port]);
  cast = await castOrganisation({
    url: node.url,
    operatorToken,
    slug: 'ingebed',
    residents: 2,
    urlFor: () => proxy.url,
  });
  ledger = new Ledger(cast, canary);
});

afterAll(async () => {
  await cast?.close();
  await proxy?.close();
  await node?.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) files.push(path);
  }
  return files;
}

describe('the embedded default, killed during writes', () => {
  it('SIGKILL mid-traffic, restart on the same data directory: nothing acked is lost, nothing shown twice', async () => {
    const traffic = steadyTraffic(ledger, cast, 100);
    await sleep(2_000);
    await node.kill('SIGKILL');
    const killedAt = Date.now();
    await sleep(500);
    await node.start();
    const restarted = Date.now() - killedAt;
    await until('every device online again', () => cast.everyone.every((p) => p.client.online), 30_000, 50);
    const online = Date.now() - killedAt;
    await sleep(1_500);
    traffic.stop();
    await ledger.settled(60_000);
    const counts = await ledger.delivered(30_000);
    console.log(describeCounts('embedded SIGKILL', counts));
    recordFigure('embedded SIGKILL: process serving again (ms)', restarted);
    recordFigure('embedded SIGKILL: devices back online (ms)', online);
    expect(counts.acked).toBeGreaterThan(20);
    expect({
      pending: counts.pending,
      refused: counts.refused,
      lost: counts.lost,
      duplicated: counts.duplicated,
      outOfOrder: counts.outOfOrder,
    }).toEqual({ pending: 0, refused: 0, lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(counts.delivered).toBe(counts.expected);
  });

  it('no message text or file content reaches the data directory or a log line (canary)', async () => {
    const channel = cast.channels[0]!;
    const recipient = channel.members[1]!;
    const arrived = new Promise<void>((resolve) => {
      const off = recipient.client.on('message', (message) => {
        if (message.content?.type !== 'file') return;
        off();
        resolve();
      });
    });
    await cast.worker.client.sendFile(channel.id, Buffer.from(`${canary} loonstrook ${'y'.repeat(200)}`), {
      name: `${canary}.pdf`,
      mimeType: 'application/pdf',
    });
    await arrived;
    // Stop cleanly so that everything PGlite holds in memory is on disk for the search.
    await node.kill('SIGTERM');
    const files = await filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(10);
    const hits: string[] = [];
    let organisationFound = false;
    for (const file of files) {
      const bytes = await readFile(file);
      if (bytes.includes('ingebed')) organisationFound = true;
      if (canaryHits(bytes, canary).length > 0) hits.push(file);
    }
    // The search is real: the organisation's slug is found in the same files.
    expect(organisationFound).toBe(true);
    expect(hits).toEqual([]);
    expect(node.logs.filter((line) => canaryHits(line, canary).length > 0)).toEqual([]);
    await node.start();
  });
});
