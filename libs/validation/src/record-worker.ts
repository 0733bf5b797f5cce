import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { ProtocolValidatorCache } from '@imagora/protocols';
import { LineSplitter, type LineSink } from './line-reader';
import { batchTransferList, RecordBatchWriter, type RecordBatch } from './record-batch';
import { NdjsonRecordLines, RecordExtractor } from './record-extractor';

// The record pass on two cores. The validator's thread splits an NDJSON file into lines (LineSplitter)
// and cuts them into groups; each group is parsed, schema-checked and turned into a RecordBatch either
// by the record worker thread or, while the worker is busy, by the validator's thread itself; the
// batches are then applied to the run (ids, references, counts) strictly in group order. Both sides run
// the same NdjsonRecordLines and RecordExtractor, so the report is the same whoever did a group.

const ROLE = 'imagora-record-worker';
// Lines per group: large enough that a message costs little per line, small enough to share the work finely.
const GROUP_LINES = 4096;
// Groups the worker holds at once (one being done, the next one waiting).
const WORKER_GROUPS = 3;
// Groups done or in flight that are not applied yet: bounds memory when the worker lags.
const MAX_PENDING_GROUPS = 16;
const WORKER_YOUNG_GENERATION_MB = 16;
// The compiled worker runs from dist/, where `@imagora/*` needs the alias hook (each thread has its own
// module loader). Under ts-jest there is no compiled worker: every group is then done in this thread.
const WORKER_FILE = path.join(__dirname, 'record-worker.js');
const ALIAS_HOOK = path.join(__dirname, '..', '..', '..', '..', 'scripts', 'register-aliases.js');

interface RecordWorkerInit {
  readonly role: typeof ROLE;
  readonly protocol: unknown;
  readonly maxLineBytes: number;
  readonly maxRecordDepth: number;
}

/** Lines of one file, in order: text (null when not UTF-8), or the byte size of a line that was too long. */
interface LineGroup {
  readonly numbers: Int32Array;
  readonly texts: (string | null)[];
  // -1, or the size of a line over the limit (its text is null and was never held).
  readonly tooLong: Float64Array;
}

type ToWorker = { readonly type: 'group'; readonly seq: number; readonly group: LineGroup };
type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'batch'; readonly seq: number; readonly batch: RecordBatch }
  | { readonly type: 'failed'; readonly message: string };

export class RecordWorkerFailed extends Error {}

function processGroup(lines: NdjsonRecordLines, group: LineGroup): RecordBatch {
  for (let index = 0; index < group.numbers.length; index++) {
    const size = group.tooLong[index];
    if (size >= 0) lines.tooLong(group.numbers[index], size);
    else lines.line(group.texts[index] ?? undefined, group.numbers[index]);
  }
  return lines.out.take();
}

/** Collects the splitter's lines into groups. */
class LineGrouper implements LineSink {
  private numbers = new Int32Array(GROUP_LINES);
  private texts: (string | null)[] = [];
  private tooLongSizes = new Float64Array(GROUP_LINES);
  private count = 0;
  readonly full: LineGroup[] = [];

  line(text: string | undefined, lineNumber: number): void {
    this.numbers[this.count] = lineNumber;
    this.tooLongSizes[this.count] = -1;
    this.texts.push(text ?? null);
    if (++this.count === GROUP_LINES) this.close();
  }

  tooLong(lineNumber: number, bytes: number): void {
    this.numbers[this.count] = lineNumber;
    this.tooLongSizes[this.count] = bytes;
    this.texts.push(null);
    if (++this.count === GROUP_LINES) this.close();
  }

  /** Ends the current group (a file's last one may be short). */
  close(): void {
    if (this.count === 0) return;
    this.full.push({ numbers: this.numbers.slice(0, this.count), texts: this.texts, tooLong: this.tooLongSizes.slice(0, this.count) });
    this.texts = [];
    this.count = 0;
  }
}

/** The validator's side of the record worker thread. */
export class RecordWorker {
  private readonly worker: Worker;
  private failure?: Error;
  private readonly ready: Promise<void>;
  private readyResolve!: () => void;
  private readonly results = new Map<number, RecordBatch>();
  private wake?: () => void;
  inFlight = 0;

  /** A started worker, or undefined where no compiled worker exists (the caller stays in its thread). */
  static start(init: Omit<RecordWorkerInit, 'role'>): RecordWorker | undefined {
    if (!existsSync(WORKER_FILE) || !existsSync(ALIAS_HOOK)) return undefined;
    return new RecordWorker({ ...init, role: ROLE });
  }

  private constructor(init: RecordWorkerInit) {
    this.ready = new Promise((resolve) => (this.readyResolve = resolve));
    // Only the hook: V8 flags of this process (heap sizes) apply to every thread already, and a worker
    // given them in execArgv refuses to start.
    // Its young generation is capped: what it allocates (parsed records) dies young, and V8's default lets
    // the heap of a thread that parses a million records grow by tens of MB for nothing.
    this.worker = new Worker(WORKER_FILE, { workerData: init, execArgv: ['--require', ALIAS_HOOK], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') this.readyResolve();
      else if (message.type === 'failed') this.fail(new RecordWorkerFailed(message.message));
      else {
        this.inFlight--;
        this.results.set(message.seq, message.batch);
      }
      this.notify();
    });
    this.worker.on('error', (error) => this.fail(new RecordWorkerFailed(`record worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => this.fail(new RecordWorkerFailed(`record worker stopped (exit ${code})`)));
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.readyResolve();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves at the worker's next message (or failure). */
  private changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** Waits until the worker has compiled the protocol; false when it could not start. */
  async started(): Promise<boolean> {
    await this.ready;
    return this.failure === undefined;
  }

  send(seq: number, group: LineGroup): void {
    this.inFlight++;
    const message: ToWorker = { type: 'group', seq, group };
    this.worker.postMessage(message, [group.numbers.buffer as ArrayBuffer, group.tooLong.buffer as ArrayBuffer]);
  }

  hasResult(seq: number): boolean {
    return this.results.has(seq);
  }

  /** The result of group seq once the worker has sent it. */
  async result(seq: number): Promise<RecordBatch> {
    for (;;) {
      const result = this.results.get(seq);
      if (result) {
        this.results.delete(seq);
        return result;
      }
      if (this.failure) throw this.failure;
      await this.changed();
    }
  }

  async terminate(): Promise<void> {
    this.failure ??= new RecordWorkerFailed('record worker terminated');
    await this.worker.terminate();
  }
}

/** One NDJSON file through the record rules; groups shared between this thread and the worker, if any. */
export async function readNdjsonRecords(
  stream: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
  local: NdjsonRecordLines,
  worker: RecordWorker | undefined,
  apply: (batch: RecordBatch, byWorker: boolean) => void,
  onChunk?: (chunk: Buffer) => void,
): Promise<number> {
  const grouper = new LineGrouper();
  const splitter = new LineSplitter(maxLineBytes, grouper);
  // Groups not applied yet, in order: a local result, or the seq of one the worker has.
  const pending: ({ local: RecordBatch } | { seq: number })[] = [];
  let seq = 0;
  let recordLines = 0;
  const applyHead = async (wait: boolean): Promise<void> => {
    while (pending.length > 0) {
      const head = pending[0];
      let batch: RecordBatch;
      if ('local' in head) batch = head.local;
      else {
        if (!wait && !worker!.hasResult(head.seq)) return;
        batch = await worker!.result(head.seq);
      }
      pending.shift();
      apply(batch, !('local' in head));
      // Every line that is not blank is one event of its group's batch.
      recordLines += batch.count;
    }
  };
  const dispatch = async (): Promise<void> => {
    for (const group of grouper.full.splice(0)) {
      if (worker && !worker.failed && worker.inFlight < WORKER_GROUPS) {
        worker.send(seq, group);
        pending.push({ seq });
      } else {
        pending.push({ local: processGroup(local, group) });
        // Let the worker's replies in between local groups, so it is fed again as soon as it is free.
        if (worker) await new Promise((resolve) => setImmediate(resolve));
      }
      seq++;
      await applyHead(pending.length >= MAX_PENDING_GROUPS);
    }
  };
  const finish = async (): Promise<void> => {
    grouper.close();
    await dispatch();
    await applyHead(true);
  };
  try {
    for await (const raw of stream) {
      const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
      onChunk?.(chunk);
      splitter.push(chunk);
      await dispatch();
    }
  } catch (error) {
    // The stream failed: what was read is applied (as in one thread, chunk by chunk), then the error is the file's.
    if (!(error instanceof RecordWorkerFailed)) await finish();
    throw error;
  }
  splitter.end();
  await finish();
  return recordLines;
}

function serve(port: MessagePort, init: RecordWorkerInit): void {
  let lines: NdjsonRecordLines;
  // One writer for the worker's life: its label and reader dictionaries span every file.
  const out = new RecordBatchWriter();
  try {
    lines = new NdjsonRecordLines(new RecordExtractor(new ProtocolValidatorCache({ maxEntries: 1 }).get(init.protocol)), init.maxLineBytes, init.maxRecordDepth, out);
  } catch (error) {
    port.postMessage({ type: 'failed', message: `record worker cannot compile the protocol: ${(error as Error).message}` } satisfies FromWorker);
    return;
  }
  port.on('message', (message: ToWorker) => {
    try {
      const batch = processGroup(lines, message.group);
      port.postMessage({ type: 'batch', seq: message.seq, batch } satisfies FromWorker, batchTransferList(batch));
    } catch (error) {
      port.postMessage({ type: 'failed', message: `record worker: ${(error as Error).message}` } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

if (!isMainThread && parentPort && (workerData as Partial<RecordWorkerInit> | undefined)?.role === ROLE) {
  serve(parentPort, workerData as RecordWorkerInit);
}
