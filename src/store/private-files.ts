// DATA_DIR and what it holds are for the connector's own OS user alone: the run history keeps
// customers' emails and descriptions, and master.key opens every stored API key. The directory is
// created 0700 and each file 0600; an existing one with looser bits is tightened when this user
// owns it (a warning names the path), and only reported when it does not (chmod would be refused).
// Modes are passed at creation rather than by changing process.umask, which is process-wide: a
// umask can only take bits away from 0700/0600, never add any.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Where a loose mode is reported: the server's logger, or a CLI's stderr. */
export interface ModeWarnings {
  warn(details: Record<string, unknown>, message: string): void;
}

// POSIX modes mean nothing on Windows, where access is by ACL.
const checksModes = process.platform !== 'win32';

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** Removes group and other bits from an existing path, when this user owns it. */
export function tightenMode(path: string, wanted: number, warnings: ModeWarnings): void {
  if (!checksModes) return;
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const mode = stats.mode & 0o777;
  if ((mode & ~wanted) === 0) return;
  const ownedByUs = process.getuid === undefined || stats.uid === process.getuid();
  if (!ownedByUs) {
    warnings.warn(
      { path, mode: octal(mode) },
      `${path} has mode ${octal(mode)} (open to other local users) and belongs to another user, so it was left as it is; make it ${octal(wanted)}`,
    );
    return;
  }
  chmodSync(path, mode & wanted);
  warnings.warn({ path, mode: octal(mode), newMode: octal(mode & wanted) }, `${path} had mode ${octal(mode)} (open to other local users); changed to ${octal(mode & wanted)}`);
}

/** The directory, created 0700 if missing, tightened if looser. */
export function ensurePrivateDir(path: string, warnings: ModeWarnings): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  tightenMode(path, PRIVATE_DIR_MODE, warnings);
}

/**
 * The file, created empty with 0600 if missing (without truncating one that exists), tightened
 * if looser. SQLite gives the -wal and -shm files it creates the mode of the database file, so
 * creating connector.db 0600 before SQLite opens it is what keeps those 0600 too.
 */
export function ensurePrivateFile(path: string, warnings: ModeWarnings): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  tightenMode(path, PRIVATE_FILE_MODE, warnings);
}
