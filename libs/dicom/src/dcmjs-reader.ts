/* eslint-disable no-console -- dcmjs reports some problems on the console: this module captures them */
import { DicomErrorCode } from '@imagora/core';
import { dicomError } from './dicom-error';

// dcmjs, for callers that want its naturalized JSON view (and tests that cross-check our parser). dcmjs logs
// problems instead of throwing (STACK.md pitfall 9, deid/README.md): its log is captured and any warning or
// error fails the read, so a file dcmjs is unsure about is never taken at face value.

// dcmjs is loaded on first use: the parser is our own, and loading dcmjs costs tens of milliseconds in every
// process and worker thread that imports libs/dicom (most never call it).
// dcmjs ships no types (types/dcmjs.d.ts).
let loaded: any;

function dcmjsModule(): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, on purpose (see above)
  loaded ??= require('dcmjs');
  return loaded;
}

export interface DcmjsReadResult {
  /** dcmjs "naturalized" data set: keywords as keys. */
  readonly dataset: Record<string, unknown>;
  readonly meta: Record<string, unknown>;
  /** The raw dcmjs dict (tag → { vr, Value }). */
  readonly dict: Record<string, { vr: string; Value?: unknown[] }>;
}

interface Logger {
  warn: (...args: unknown[]) => void;
  error: (...args: unknown[]) => void;
  info?: (...args: unknown[]) => void;
  debug?: (...args: unknown[]) => void;
}

function withCapturedLog<T>(run: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const dcmjs = dcmjsModule();
  const loggers: Logger[] = [dcmjs.log, dcmjs.log?.getLogger?.('validation.dcmjs')].filter(Boolean);
  const saved = loggers.map((logger) => ({ warn: logger.warn, error: logger.error }));
  const originalConsoleWarn = console.warn;
  const originalConsoleLog = console.log;
  const capture = (...args: unknown[]): void => {
    warnings.push(args.map(String).join(' '));
  };
  for (const logger of loggers) {
    logger.warn = capture;
    logger.error = capture;
  }
  console.warn = capture;
  // dcmjs reports truncation with console.log in some paths.
  console.log = capture;
  try {
    return { result: run(), warnings };
  } finally {
    loggers.forEach((logger, index) => {
      logger.warn = saved[index].warn;
      logger.error = saved[index].error;
    });
    console.warn = originalConsoleWarn;
    console.log = originalConsoleLog;
  }
}

function toArrayBuffer(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}

/** Reads a whole Part 10 file with dcmjs; any dcmjs warning or exception becomes a DomainError. */
export function readWithDcmjs(buffer: Buffer, options: { untilPixelData?: boolean } = {}): DcmjsReadResult {
  const dcmjs = dcmjsModule();
  let outcome: { result: { dict: Record<string, { vr: string; Value?: unknown[] }>; meta: Record<string, unknown> }; warnings: string[] };
  try {
    outcome = withCapturedLog(() =>
      dcmjs.data.DicomMessage.readFile(toArrayBuffer(buffer), {
        ignoreErrors: false,
        ...(options.untilPixelData ? { untilTag: '7FE00010', includeUntilTagValue: false } : {}),
      }),
    );
  } catch (error) {
    throw dicomError(DicomErrorCode.MALFORMED, `dcmjs cannot read the file: ${(error as Error).message}`);
  }
  if (outcome.warnings.length > 0) {
    throw dicomError(DicomErrorCode.MALFORMED, `dcmjs reported: ${outcome.warnings.slice(0, 3).join('; ')}`);
  }
  const naturalize = dcmjs.data.DicomMetaDictionary.naturalizeDataset as (dict: unknown) => Record<string, unknown>;
  return {
    dict: outcome.result.dict,
    dataset: naturalize(outcome.result.dict),
    meta: naturalize(outcome.result.meta),
  };
}
