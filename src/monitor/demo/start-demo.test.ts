// Starts the real demo service (a child process) and checks it does what the
// dashboard relies on: an inspector port, real work, pool stats, a growing leak.
import { afterAll, describe, expect, it } from 'vitest';
import { startDemoService, type DemoService } from './start-demo';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startDemoService', () => {
  let demo: DemoService | null = null;
  afterAll(async () => {
    await demo?.stop();
  });

  it('starts the demo with an inspector, serves work, leaks slowly, and stops', async () => {
    demo = await startDemoService({ env: { DEMO_LEAK_BYTES_PER_SEC: '100000' } });
    expect(alive(demo.pid)).toBe(true);
    expect(demo.inspectorPort).toBeGreaterThan(0);
    const list = (await (
      await fetch(`http://127.0.0.1:${demo.inspectorPort}/json/list`)
    ).json()) as Array<{
      type: string;
    }>;
    expect(list[0]?.type).toBe('node');

    const work = await fetch(`http://127.0.0.1:${demo.httpPort}/work`, {
      method: 'POST',
      body: JSON.stringify({ seed: 'x', rounds: 3 }),
    });
    const result = (await work.json()) as { digest: string; rounds: number };
    expect(result.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(result.rounds).toBe(3);

    const stats = async (): Promise<{ leakEntries: number; pool: { borrowed: number } }> =>
      (await (await fetch(`http://127.0.0.1:${demo!.httpPort}/stats`)).json()) as {
        leakEntries: number;
        pool: { borrowed: number };
      };
    const first = await stats();
    let later = first;
    while (later.leakEntries <= first.leakEntries || later.pool.borrowed <= first.pool.borrowed) {
      await new Promise((r) => setTimeout(r, 100));
      later = await stats();
    }
    expect(later.leakEntries).toBeGreaterThan(first.leakEntries);

    const pid = demo.pid;
    await demo.stop();
    expect(alive(pid)).toBe(false);
  });
});
