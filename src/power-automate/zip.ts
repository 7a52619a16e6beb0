// A .zip of a few small files for the export route's download (fflate: small, no dependencies).
// Stored, not deflated: the files are a few hundred kilobytes at most. A fixed date keeps the
// archive the same byte for byte for the same files.
import { zipSync } from 'fflate';

export interface ZipEntry {
  name: string;
  content: Buffer;
}

/** 1980-01-01: the earliest date a zip header can hold. */
const FIXED_MTIME = new Date(1980, 0, 1);

export function zipFiles(entries: readonly ZipEntry[]): Buffer {
  const files = Object.fromEntries(entries.map((entry) => [entry.name, new Uint8Array(entry.content)]));
  return Buffer.from(zipSync(files, { level: 0, mtime: FIXED_MTIME }));
}
