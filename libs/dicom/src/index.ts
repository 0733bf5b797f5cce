// libs/dicom: DICOM Part 10 read/write, tag/VR/sequence helpers and the header-only scan. Pure: no I/O of its
// own (callers hand in bytes or a ByteSource) and the only module that imports dcmjs.
export * from './dicom-tag';
export * from './dicom-vr';
export * from './transfer-syntax';
export * from './dicom-dataset';
export { lookupTag, tagForKeyword, implicitVrOf, type DictionaryEntry } from './dicom-dictionary';
export { dicomError, isDicomErrorCode } from './dicom-error';
export { parseDicom, type DicomFile, type ParseOptions } from './dicom-parser';
export {
  writeDicom,
  encodeFileMeta,
  chunksToBuffer,
  chunksLength,
  chunksSource,
  chunkBuffers,
  isBulkRange,
  type OutputChunk,
  type WriteInput,
} from './dicom-writer';
export { scanDicomHeader, summarizeHeader, collectReferencedSopInstanceUids, type DicomHeader } from './header-scan';
export { readWithDcmjs, type DcmjsReadResult } from './dcmjs-reader';
