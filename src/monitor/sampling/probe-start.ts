// Installing the sampling probe when a session starts. A target that does not answer
// (F10: its first command timed out at connect, or the install itself times out) keeps
// an uninstalled probe instead of none: the sampler's reads then come back late, so the
// target shows "unresponsive" with its OS figures, and once it answers, a read finds no
// probe and the sampler's onProbeMissing installs it.
import { ErrorCodes, MonitorError } from '../../shared/errors';
import type { CdpClient } from '../inspector/cdp-client';
import { eldResolutionFor, Probe } from './probe';

export interface ProbeStart {
  /** Null when the target cannot host the probe (OS figures only). */
  probe: Probe | null;
  nodeVersion: string | null;
  /** A warning for the target's info, if any. */
  warning: string | null;
}

export async function startProbe(
  client: CdpClient,
  intervalMs: number,
  /** False when the target did not answer its first command in time. */
  answering: boolean,
): Promise<ProbeStart> {
  const probe = new Probe(client, { eldResolutionMs: eldResolutionFor(intervalMs) });
  // Connect already said it did not answer; waiting for the install too only delays attach.
  if (!answering) return { probe, nodeVersion: null, warning: null };
  try {
    const installed = await probe.install();
    return { probe, nodeVersion: installed.nodeVersion, warning: null };
  } catch (err) {
    if (err instanceof MonitorError && err.code === ErrorCodes.TIMEOUT && !client.closed) {
      return {
        probe,
        nodeVersion: null,
        warning:
          'The target did not answer while the sampling probe was installed; its event loop may be blocked. It is installed when the target answers.',
      };
    }
    return {
      probe: null,
      nodeVersion: null,
      warning: `In-target figures are unavailable: ${(err as Error).message} Only OS figures are sampled.`,
    };
  }
}
