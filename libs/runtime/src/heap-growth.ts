import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what the last full collection kept before it collects again. V8's own
 * factor goes up to 4× on a machine with a large heap limit, and a hub or worker serving thousands of uploads
 * promotes request-scoped objects steadily: the heap then climbed to 4× its ~70 MB live set (hub 273 MB heap at a
 * 2 GB ingest, collected back to 70 MB). 1.5× keeps a process at about 1.5× what it really holds, for a few more
 * full collections, each tens of milliseconds at this heap size.
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * Bounds heap growth for a long-running hub or worker process, and for the CLI commands that stream a whole
 * dataset through (validate, upload); not for tests or short commands. V8 reads this
 * flag at every full collection, so setting it at start-up is enough; `--heap-growing-percent` given on node's
 * command line wins (NODE_OPTIONS does not take V8 flags of this kind).
 */
export function boundHeapGrowth(): void {
  const given = process.execArgv.some((flag) => /^--heap[-_]growing[-_]percent/.test(flag));
  if (!given) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
