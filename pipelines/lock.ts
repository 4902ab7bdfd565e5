/** One pipeline run per warehouse at a time: a lock file beside it, naming the running process. */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

export class WarehouseBusyError extends Error {}

/**
 * Whether `pid` is still a pipeline run: alive, and (where /proc tells) a Node.js process. A lock
 * left by a killed run whose process id was later reused by another program is stale.
 */
function isPipelineRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node|tsx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc here: trust that the process is alive
  }
}

/** Takes the lock for `warehousePath`; throws WarehouseBusyError naming the run holding it. */
export function acquireLock(warehousePath: string): () => void {
  const lockPath = `${warehousePath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; started?: string } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8'));
      } catch {
        // A lock file cut short by a crash: treat it as stale.
      }
      if (holder.pid && holder.pid !== process.pid && isPipelineRunning(holder.pid)) {
        throw new WarehouseBusyError(
          `another pipeline run (process ${holder.pid}, started ${holder.started}) is loading ${warehousePath}; wait for it to finish and run again`,
        );
      }
      rmSync(lockPath, { force: true }); // left by a run that was killed
    }
  }
  throw new WarehouseBusyError(`could not take the lock ${lockPath}`);
}
