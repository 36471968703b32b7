import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runGatewayProcess, stop, untilHealthy } from '@spreekuur/testing/processes';

/**
 * Two servers on one embedded DATA_DIR would corrupt it or serve from the same files; one on a
 * port already taken ended in a stack trace. Both now stop at once with one line.
 */
describe('a second gateway process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-lock-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('is refused on the same DATA_DIR and on the same port, each with one line, and the first keeps serving', async () => {
    const port = await freePort();
    const env = { DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    const first = runGatewayProcess({ ...env, PORT: String(port) });
    try {
      await untilHealthy(`http://127.0.0.1:${port}`, first);

      const sameDir = runGatewayProcess({ ...env, PORT: String(await freePort()) });
      expect(await sameDir.exited).toBe(73);
      const lines = sameDir.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^Cannot start: DATA_DIR .*postgres is in use by another Spreekuur process \\(pid ${first.child.pid} `,
        ),
      );
      expect(lines[0]).toContain('stop that one first, or give this one its own DATA_DIR');

      const otherDir = await mkdtemp(join(tmpdir(), 'spreekuur-lock-'));
      try {
        const samePort = runGatewayProcess({ ...env, DATA_DIR: otherDir, PORT: String(port) });
        expect(await samePort.exited).toBe(75);
        const portLines = samePort.stderr().trim().split('\n');
        expect(portLines).toEqual([
          `Cannot start: port ${port} on 127.0.0.1 is already in use (another Spreekuur server?). Stop it, or set PORT to a free port.`,
        ]);
      } finally {
        await rm(otherDir, { recursive: true, force: true });
      }

      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }
    // Once the first has stopped, the folder is free again.
    const againPort = await freePort();
    const again = runGatewayProcess({ ...env, PORT: String(againPort) });
    await untilHealthy(`http://127.0.0.1:${againPort}`, again);
    expect(await stop(again)).toBe(0);
  }, 240_000);
});
