// `resdash watch` against hostile targets (issue "Hostile inputs" item 4):
//  - an inspector that drops right after a client attaches: one failure line, non-zero exit;
//  - an inspector that accepts the WebSocket but never answers: the target shows
//    unresponsive (F10) and the OS figures keep arriving.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isAlive, startFixture, stopAllFixtures } from '../fixtures/harness';
import { expectOneFailureLine, resdash, stopAllResdash } from './resdash-cli';

afterEach(async () => {
  await stopAllResdash();
  await stopAllFixtures();
});
afterAll(stopAllFixtures);

describe('resdash watch when the inspector drops right after attach', () => {
  it.each([
    ['closes its inspector', 'close'],
    ['dies', 'kill'],
  ])('the target %s: one `resdash: ... (CODE)` line and a non-zero exit', async (_what, mode) => {
    const f = await startFixture('inspector-closer.js', { args: [mode] });
    const run = await resdash(['watch', `:${f.port}`, '--interval', '200ms']);
    await f.waitFor(/dropping the inspector/);
    expect(expectOneFailureLine(run)).toBe('MONITOR_ERR_TARGET_CLOSED');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/detached\. The (inspector connection was lost|process exited)/);
    if (mode === 'close') expect(isAlive(f.pid)).toBe(true);
  });

  it('the same with --json: the failure still goes to stderr as one line', async () => {
    const f = await startFixture('inspector-closer.js');
    const run = await resdash(['watch', `:${f.port}`, '--json', '--limit', 'rss=1GB']);
    expect(expectOneFailureLine(run)).toBe('MONITOR_ERR_TARGET_CLOSED');
  });
});
