/**
 * One figure of a bench, printed as a `RESULT {json}` line beside the human-readable table, so
 * bench/run-all.ts can collect every bench's figures into bench/RESULTS.md.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** The goal as text (">= 10,000"), with whether this run met it. */
  goal?: string;
  met?: boolean;
  /** The same measurement of the bench's baseline (same unit), and what the baseline is. */
  baseline?: number;
  baselineName?: string;
}

export const RESULT_PREFIX = 'RESULT ';

export function result(figure: BenchFigure): void {
  console.log(RESULT_PREFIX + JSON.stringify(figure));
}
