/** Whether dist/cli/main.js or dist/console/app.js is missing or older than the source it is built from, in the repository at `root`. */
export function distIsStale(root: string): boolean;
