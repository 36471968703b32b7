import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '@spreekuur/db';
import { claimDueJob, completeJob, failJob, type Job, type JobKind } from '../store/job-store.ts';

export type JobHandler = (job: Job) => Promise<void>;

export interface JobRunnerOptions {
  /** How long a claimed job stays with the node that claimed it. */
  readonly leaseMs: number;
  readonly maxAttempts: number;
  /** Jobs handled per pass at most (the next pass picks up the rest). */
  readonly maxPerPass: number;
}

const DEFAULTS: JobRunnerOptions = { leaseMs: 120_000, maxAttempts: 5, maxPerPass: 200 };

/**
 * Runs due jobs from the `scheduling_jobs` table. Every node runs one (a timer calls `runDue`);
 * claims are exclusive (SKIP LOCKED plus a lease; only the claim still holding a job may complete
 * or fail it), so jobs run once per due time and survive restarts: they live in PostgreSQL, the
 * timer only decides when to look. Time is the injected clock, so tests move it and call
 * `runDue()` directly.
 */
export class JobRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly options: JobRunnerOptions;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly handlers: Record<JobKind, JobHandler>,
    private readonly log: FastifyBaseLogger,
    options: Partial<JobRunnerOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Handles every job due now; passes on one node run one after another. Resolves to the number handled. */
  runDue(): Promise<number> {
    this.pending++;
    const pass = this.queue.then(() => this.pass());
    this.queue = pass.catch(() => undefined).finally(() => this.pending--);
    return pass;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.pending > 0) return; // a pass is running or queued: it will see what is due
      this.runDue().catch((error: unknown) => this.log.warn({ err: error }, 'scheduling job pass failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for the pass in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue;
  }

  private async pass(): Promise<number> {
    let handled = 0;
    while (handled < this.options.maxPerPass) {
      const job = await claimDueJob(this.db, this.clock(), this.options.leaseMs);
      if (!job) break;
      handled++;
      let held: boolean;
      try {
        await this.handlers[job.kind](job);
        held = await completeJob(this.db, job, this.clock());
      } catch (error) {
        this.log.warn(
          { err: error, job: job.id, kind: job.kind, attempts: job.attempts },
          'scheduling job failed',
        );
        held = await failJob(
          this.db,
          job,
          error instanceof Error ? error.message : String(error),
          this.clock(),
          this.options.maxAttempts,
        );
      }
      // The lease ran out and another node claimed the job (theirs to finish), or it was retired.
      if (!held) {
        this.log.info(
          { job: job.id, kind: job.kind, attempts: job.attempts },
          'scheduling job no longer held by this node; left as it is',
        );
      }
    }
    return handled;
  }
}
