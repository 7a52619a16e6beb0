// after() hooks that cannot hang: when before() failed half-way, some handles were never made,
// and a hook that throws on the first of them leaves the others (a listening emulator, a pg pool)
// open, which keeps the test file's process alive until the runner's timeout.

/**
 * Runs every cleanup in order, all of them even when one throws, then throws the first error.
 * Write each as `() => handle?.close()`, so one that before() never made is skipped.
 */
export async function closeAll(...cleanups: (() => unknown)[]): Promise<void> {
  let firstError: unknown;
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
}
