/** One finished run as the detectors see it (a narrow projection of sync_run). */
export interface RunSample {
  id: string;
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | string;
  mode: string;
  startedAt: Date | null;
  completedAt: Date;
  durationMs: number | null;
  processed: number;
  created: number;
  updated: number;
  deleted: number;
  failed: number;
  errorDetails: string | null;
}

/** What a detector reports: the contract's SyncAnomaly plus what an alert needs. */
export interface DetectedAnomaly {
  /** Stable code, e.g. SYNC_VOLUME_SPIKE; an alert's `code`. */
  code: string;
  metric: 'failureRate' | 'recordFailureRate' | 'recordsProcessed' | 'durationMs';
  severity: 'WARNING' | 'ERROR';
  observed: number;
  expected: number;
  /** The robust z-score (or, for run failures, −log10 of the binomial tail). */
  score: number;
  runId: string;
  detectedAt: Date;
  explanation: string;
}
