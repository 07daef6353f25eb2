// Entry of the analysis child process (forked by run-analysis.ts and
// explorer-sessions.ts). It receives one job over IPC and answers with progress messages
// and one result or error, then exits; an 'explore' job instead keeps the snapshot open
// and answers queries until it is closed or the parent goes away. The parent never
// parses a snapshot itself: a 1 GB file needs gigabytes.
import { serializeError } from '../../../shared/errors';
import { analyzeInProcess, diffInProcess, openExplorerInProcess } from './analyze';
import type { AnalysisProgress } from '../../../shared/snapshot-model';
import type { ChildMessage, ExplorerRequest, Job } from './protocol';

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

const onProgress = (progress: AnalysisProgress): void => {
  void send({ kind: 'progress', progress });
};

async function explore(job: Extract<Job, { kind: 'explore' }>): Promise<void> {
  const { explorer, info } = await openExplorerInProcess(job.file, job.options, onProgress);
  process.on('message', (msg: ExplorerRequest) => {
    if (msg.kind === 'close') {
      process.disconnect?.();
      process.exit(0);
    }
    if (msg.kind !== 'query') return;
    let reply: ChildMessage;
    try {
      reply = { kind: 'answer', id: msg.id, value: explorer.answer(msg.query) };
    } catch (err) {
      reply = { kind: 'answer', id: msg.id, error: serializeError(err) };
    }
    void send(reply);
  });
  // The parent went away (closed the channel or died): nothing to answer any more.
  process.on('disconnect', () => process.exit(0));
  await send({ kind: 'opened', info });
}

async function run(job: Job): Promise<void> {
  try {
    if (job.kind === 'explore') {
      await explore(job);
      return;
    }
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
