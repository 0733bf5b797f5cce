import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeidErrorCode, DicomErrorCode, DomainError } from '@imagora/core';
import { ByteSource, OutputChunk, bufferSource, chunkBuffers, chunksSource, isBulkRange, parseDicom } from '@imagora/dicom';
import { Deidentifier, verifyDeidentified } from '@imagora/deid';

// One local DICOM file: read, de-identify, verify, write. `imagora deid` (in its own thread and in each pool worker)
// and the hub's pipeline (on files staged from quarantine) run this same function, so they write the same bytes.
// Files up to IN_MEMORY_LIMIT are read whole and verified before anything is written; larger files are parsed
// through a file descriptor and their pixel data streamed, so memory stays bounded whatever the file size.

/** Files up to this size are read in one piece; larger ones are streamed (per thread: about twice this in memory). */
export const IN_MEMORY_LIMIT = 16 << 20;
const COPY_CHUNK = 4 << 20;

/** The result of one file, as a worker posts it back: plain data, structured-clone safe. */
export type DeidFileOutcome =
  | { readonly ok: true; readonly flags: string[]; readonly bytes: number }
  | { readonly ok: false; readonly code: string; readonly reason: string };

/** A file descriptor as a ByteSource: the parser reads headers, never the pixel data. */
export function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(position, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      let done = 0;
      while (done < buffer.length) {
        const read = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
        if (read === 0) break;
        done += read;
      }
      return done === buffer.length ? buffer : buffer.subarray(0, done);
    },
  };
}

// This thread's one scratch buffer (grown as needed, never past IN_MEMORY_LIMIT): a file held in memory is read
// into it, and the pixel data of a file too large to hold is copied through it. No fresh allocation per file or
// piece, so no page faults and no garbage outside the JS heap (which piled up to tens of MB before V8 collected it).
// Safe because a file is processed synchronously and nothing that refers to the buffer outlives deidentifyPath.
let scratchBuffer = Buffer.allocUnsafe(0);

function scratch(size: number): Buffer {
  if (scratchBuffer.length < size) scratchBuffer = Buffer.allocUnsafe(Math.min(IN_MEMORY_LIMIT, Math.max(size, scratchBuffer.length * 2, 1 << 20)));
  return scratchBuffer;
}

function readWhole(fd: number, size: number): Buffer {
  const buffer = scratch(size).subarray(0, size);
  let done = 0;
  while (done < size) {
    const read = fs.readSync(fd, buffer, done, size - done, done);
    if (read === 0) break;
    done += read;
  }
  // The file shrank while we read it: what is there is all there is (the parser reports it truncated).
  return done === size ? buffer : buffer.subarray(0, done);
}

function writeAll(fd: number, buffer: Buffer): void {
  for (let done = 0; done < buffer.length; ) done += fs.writeSync(fd, buffer, done, buffer.length - done);
}

function copyRange(outputFd: number, inputFd: number, start: number, end: number): void {
  const copyBuffer = scratch(COPY_CHUNK);
  for (let position = start; position < end; ) {
    const read = fs.readSync(inputFd, copyBuffer, 0, Math.min(COPY_CHUNK, end - position), position);
    if (read === 0) throw new RangeError(`bulk range ends at ${position}, before ${end}: its source is shorter`);
    writeAll(outputFd, copyBuffer.subarray(0, read));
    position += read;
  }
}

/**
 * Streams the output: buffers as they are, bulk ranges (pixel data) of `input` copied from its file descriptor in
 * 4 MiB pieces through the scratch buffer.
 */
function writeChunks(fd: number, chunks: OutputChunk[], input: { source: ByteSource; fd: number }): void {
  for (const chunk of chunks) {
    if (isBulkRange(chunk) && chunk.source === input.source) copyRange(fd, input.fd, chunk.start, chunk.end);
    else for (const buffer of chunkBuffers([chunk], COPY_CHUNK)) writeAll(fd, buffer);
  }
}

/** One vectored write of an in-memory output (header, pixel data in place, trailer): no concatenation. */
function writeVectored(fd: number, buffers: Buffer[]): void {
  let written = fs.writevSync(fd, buffers);
  for (const buffer of buffers) {
    if (written >= buffer.length) {
      written -= buffer.length;
      continue;
    }
    // A short write: the rest buffer by buffer.
    writeAll(fd, buffer.subarray(written));
    written = 0;
  }
}

// Folders this thread has created: mkdir once per folder, not once per file.
const createdFolders = new Set<string>();

function ensureFolder(folder: string): void {
  if (createdFolders.has(folder)) return;
  fs.mkdirSync(folder, { recursive: true });
  createdFolders.add(folder);
}

/**
 * Creates `file` exclusively ('wx': no truncation, measurably cheaper on ext4 than 'w'); a stale one left by an
 * interrupted run is removed first.
 */
function createExclusive(file: string, readBack: boolean): number {
  const flags = readBack ? 'wx+' : 'wx';
  try {
    return fs.openSync(file, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    fs.rmSync(file, { force: true });
    return fs.openSync(file, flags);
  }
}

function refused(report: ReturnType<typeof verifyDeidentified>): DomainError {
  return new DomainError(
    DeidErrorCode.VERIFICATION_FAILED,
    `verifier refused the output: ${report.problems.slice(0, 3).map((problem) => `${problem.kind} ${problem.tag ?? ''}`.trim()).join(', ')}`,
  );
}

/** De-identifies one file to `target`; throws DomainError when refused. Returns the output flags. */
export function deidentifyPath(deidentifier: Deidentifier, source: string, target: string): { flags: string[]; bytes: number } {
  const inputFd = fs.openSync(source, 'r');
  try {
    const size = fs.fstatSync(inputFd).size;
    const inMemory = size <= IN_MEMORY_LIMIT;
    const input = inMemory ? bufferSource(readWhole(inputFd, size)) : fileSource(inputFd, size);
    // The input is parsed once: the de-identifier leaves the parsed file unchanged and the verifier reads it.
    const file = parseDicom(input);
    const result = deidentifier.deidentifyFile(file);
    const verifyOptions = { options: deidentifier.options, extraIdentifyingValues: result.identifyingValues };
    ensureFolder(path.dirname(target));
    const partial = `${target}.partial`;
    if (inMemory) {
      // The verifier parses the exact bytes that are then written (read in place, not concatenated); a refused
      // output never reaches the disk.
      const report = verifyDeidentified(file, chunksSource(result.chunks), verifyOptions);
      if (!report.ok) throw refused(report);
      const outputFd = createExclusive(partial, false);
      try {
        writeVectored(outputFd, [...chunkBuffers(result.chunks)]);
      } finally {
        fs.closeSync(outputFd);
      }
    } else {
      // Too large to hold: pixel data is streamed to the output, which the verifier then re-reads from disk.
      const outputFd = createExclusive(partial, true);
      let report;
      try {
        writeChunks(outputFd, result.chunks, { source: input, fd: inputFd });
        report = verifyDeidentified(file, fileSource(outputFd, fs.fstatSync(outputFd).size), verifyOptions);
      } finally {
        fs.closeSync(outputFd);
      }
      if (!report.ok) {
        fs.rmSync(partial, { force: true });
        throw refused(report);
      }
    }
    fs.renameSync(partial, target);
    return { flags: result.report.flags, bytes: size };
  } finally {
    fs.closeSync(inputFd);
  }
}

/** Runs deidentifyPath and turns any failure into an outcome (never throws). */
export function deidentifyToOutcome(deidentifier: Deidentifier, source: string, target: string): DeidFileOutcome {
  try {
    const { flags, bytes } = deidentifyPath(deidentifier, source, target);
    return { ok: true, flags, bytes };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, code: error.code, reason: error.message };
    const code = (error as NodeJS.ErrnoException).code;
    // I/O errors (EACCES, ENOSPC, ...) belong to the file, not to the run.
    return { ok: false, code: typeof code === 'string' ? `IO_${code}` : 'INTERNAL_ERROR', reason: error instanceof Error ? error.message : String(error) };
  }
}

export function isNotDicom(outcome: DeidFileOutcome): boolean {
  return !outcome.ok && outcome.code === DicomErrorCode.NOT_DICOM;
}

