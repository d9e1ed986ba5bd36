/** How the platform's CronJobs run (the backups' and the context engine's snapshots): one policy, written once. */

export const CRONJOB_RUN_POLICY = {
  // A run still going when the next is due is not doubled.
  concurrencyPolicy: "Forbid",
  // A run missed by more than an hour (controller down, node drained) is skipped, not started late in a burst.
  startingDeadlineSeconds: 3600,
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 3,
} as const;

/** Finished Jobs a CronJob keeps: room a count/jobs.batch quota must leave for each. */
export const CRONJOB_KEPT_JOBS = CRONJOB_RUN_POLICY.successfulJobsHistoryLimit + CRONJOB_RUN_POLICY.failedJobsHistoryLimit;
