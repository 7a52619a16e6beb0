/** Whether dist/cli/main.js is missing or older than any file under src/, in the repository at `root`. */
export function distIsStale(root: string): boolean;
