import { describe, expect, it } from 'vitest';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { CdpClient } from '../inspector/cdp-client';
import { startProbe } from './probe-start';
import { Sampler } from './sampler';

/** A client whose Runtime.evaluate answers with `answer` (or throws it). */
function client(answer: unknown | MonitorError, closed = false) {
  const sent: string[] = [];
  const c = {
    closed,
    sent,
    send: async (_method: string, params: { expression: string }) => {
      sent.push(params.expression);
      if (answer instanceof MonitorError) throw answer;
      return answer;
    },
  };
  return c as unknown as CdpClient & { sent: string[] };
}

describe('startProbe', () => {
  it('installs the probe and reports the Node version', async () => {
    const c = client({ result: { value: { nodeVersion: 'v20.0.0', replaced: false } } });
    const s = await startProbe(c, 1_000, true);
    expect(s.probe?.installed).toBe(true);
    expect(s.nodeVersion).toBe('v20.0.0');
    expect(s.warning).toBeNull();
  });

  it('F10: an install that times out keeps the (uninstalled) probe, so reads show the target late', async () => {
    const c = client(new MonitorError(ErrorCodes.TIMEOUT, 'Runtime.evaluate got no answer.'));
    const s = await startProbe(c, 1_000, true);
    expect(s.probe).not.toBeNull();
    expect(s.probe!.installed).toBe(false);
    expect(s.warning).toMatch(/did not answer/);
  });

  it('a target that did not answer at connect is not kept waiting for an install', async () => {
    const c = client(new MonitorError(ErrorCodes.TIMEOUT, 'no answer'));
    const s = await startProbe(c, 1_000, false);
    expect(s.probe).not.toBeNull();
    expect(c.sent).toEqual([]);
  });

  it('another failure means OS figures only', async () => {
    const c = client(new MonitorError(ErrorCodes.PROTOCOL, 'Installing failed.'));
    const s = await startProbe(c, 1_000, true);
    expect(s.probe).toBeNull();
    expect(s.warning).toMatch(/In-target figures are unavailable: Installing failed\./);
  });
});

describe('Sampler responsive option', () => {
  it('a sampler started unresponsive reports the recovery when the probe answers', async () => {
    const changes: boolean[] = [];
    const s = new Sampler({
      pid: null,
      intervalMs: 100,
      responsive: false,
      probe: { read: async () => null },
      onSample: () => undefined,
      onResponsiveChange: (r) => changes.push(r),
    });
    await s.tick();
    await s.dispose();
    expect(changes).toEqual([true]);
  });
});
