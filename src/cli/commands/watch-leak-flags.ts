// The leak-detection flags of `resdash watch`: they map to the `leaks` feature's options
// (LeakOptions in src/shared/alert-model.ts), sent with the setLeakOptions request.
import { DEFAULT_LEAK_OPTIONS, type LeakOptions } from '../../shared/alert-model';
import { ErrorCodes, MonitorError } from '../../shared/errors';
import { parseDurationMs } from '../parse';

export const LEAK_FLAGS = {
  'allow-gc': { type: 'boolean' },
  'gc-interval': { type: 'string' },
  'allow-snapshots': { type: 'boolean' },
  'snapshot-spacing': { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
} as const;

const s = (ms: number): string => `${ms / 1000}s`;

export const LEAK_FLAGS_HELP = `  --allow-gc           force a GC now and then (at a jittered --gc-interval) so the leak trend
                       gets post-GC heap points on a quiet process; each one pauses it briefly
  --gc-interval D      how often --allow-gc forces one (1s to 1h, default ${s(DEFAULT_LEAK_OPTIONS.forcedGcIntervalMs)})
  --allow-snapshots    when a leak is suspected, take 3 heap snapshots (the target pauses for
                       each) to name the class that grows: "Widget +9,402 objects/min, retained by ..."
  --snapshot-spacing D time between those snapshots (1s to 1h, default ${s(DEFAULT_LEAK_OPTIONS.snapshotSpacingMs)})
  -y, --yes            take them even when the pre-flight says memory or disk may not be enough;
                       without it such a series stops with a warning (MONITOR_ERR_CONFIRM_REQUIRED)`;

interface LeakFlagValues {
  'allow-gc'?: boolean | undefined;
  'gc-interval'?: string | undefined;
  'allow-snapshots'?: boolean | undefined;
  'snapshot-spacing'?: string | undefined;
  yes?: boolean | undefined;
}

const MIN_MS = 1_000;
const MAX_MS = 3_600_000;

function spacing(text: string, flag: string): number {
  const ms = parseDurationMs(text, flag);
  if (ms < MIN_MS || ms > MAX_MS) {
    throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${flag} must be between 1s and 1h.`);
  }
  return ms;
}

/** The leak options the flags ask for; null when no flag was given (defaults stay). */
export function leakOptionsFromFlags(v: LeakFlagValues): Partial<LeakOptions> | null {
  const only = (flag: string, given: unknown, base: string, enabled: boolean | undefined) => {
    if (given !== undefined && enabled !== true) {
      throw new MonitorError(ErrorCodes.BAD_ARGUMENT, `${flag} only applies with ${base}.`);
    }
  };
  only('--gc-interval', v['gc-interval'], '--allow-gc', v['allow-gc']);
  only('--snapshot-spacing', v['snapshot-spacing'], '--allow-snapshots', v['allow-snapshots']);
  only('--yes', v.yes, '--allow-snapshots', v['allow-snapshots']);
  const out: Partial<LeakOptions> = {};
  if (v['allow-gc']) out.allowForcedGc = true;
  if (v['gc-interval'] !== undefined)
    out.forcedGcIntervalMs = spacing(v['gc-interval'], '--gc-interval');
  if (v['allow-snapshots']) out.allowSnapshots = true;
  if (v['snapshot-spacing'] !== undefined) {
    out.snapshotSpacingMs = spacing(v['snapshot-spacing'], '--snapshot-spacing');
  }
  if (v.yes) out.confirmSnapshots = true;
  return Object.keys(out).length > 0 ? out : null;
}
