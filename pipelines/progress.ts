/** Progress of long statements: a line every few seconds while DuckDB works, so a planner sees it move. */
import type { DuckDBConnection } from '@duckdb/node-api';

/** Runs `work`, logging `label` with DuckDB's progress of the running statement every `everyMs`. */
export async function withProgress<T>(
  connection: DuckDBConnection, label: string, log: (line: string) => void, work: () => Promise<T>, everyMs = 3000,
): Promise<T> {
  const started = Date.now();
  const timer = setInterval(() => {
    const { percentage } = connection.progress;
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`  … ${label}: ${percentage > 0 ? `${Math.floor(percentage)}% of the current step, ` : ''}${seconds} s so far`);
  }, everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
