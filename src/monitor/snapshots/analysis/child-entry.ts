// Entry of the analysis child process (forked by run-analysis.ts). It receives one job
// over IPC, answers with progress messages and one result or error, then exits. The
// parent never parses a snapshot itself: a 1 GB file needs gigabytes of heap.
import { serializeError } from '../../../shared/errors';
import { analyzeInProcess, diffInProcess } from './analyze';
import type { AnalysisProgress } from '../../../shared/snapshot-model';
import type { ChildMessage, Job } from './protocol';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

async function run(job: Job): Promise<void> {
  const onProgress = (progress: AnalysisProgress): void => {
    void send({ kind: 'progress', progress });
  };
  try {
    const value =
      job.kind === 'analyze'
        ? await analyzeInProcess(job.file, job.options, onProgress)
        : await diffInProcess(job.before, job.after, job.options, onProgress);
    await send({ kind: 'result', value });
  } catch (err) {
    await send({ kind: 'error', error: serializeError(err) });
  }
  process.disconnect?.();
}

process.once('message', (job: Job) => {
  void run(job);
});
