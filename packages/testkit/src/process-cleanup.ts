const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
  cleanups.clear();
}

/**
 * Runs `cleanup` (synchronous) if this process ends before the test's own teardown did it: on
 * exit, and on the SIGTERM vitest stops its fork workers with (a signal ends a process without
 * its 'exit' listeners). Returns the function that unregisters it.
 */
export function onProcessEnd(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
    process.once('SIGTERM', () => {
      runAll();
      // Then end as SIGTERM would have, unless someone else handles it.
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  }
  return () => {
    cleanups.delete(cleanup);
  };
}
