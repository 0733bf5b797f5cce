import { DICTIONARY_LINES } from './dicom-dictionary.generated';
import { isGroupLength, isPrivateCreator, isPrivateTag, tagElement, tagGroup } from './dicom-tag';

// The PS3.6 data dictionary, so implicit-VR data sets can be parsed and attributes named: generated from dcmjs
// (scripts/generate-dicom-dictionary.js) rather than read from it at run time, so that a process or worker thread
// that only parses does not load dcmjs. Split into maps once per thread, on first use.

export interface DictionaryEntry {
  readonly keyword: string;
  /** PS3.6 VR; for multi-VR entries (`US or SS`, `OB or OW`) the one implicit VR LE uses. */
  readonly vr: string;
}

let byTag: Map<number, DictionaryEntry> | undefined;
let byKeyword: Map<string, number> | undefined;

function load(): Map<number, DictionaryEntry> {
  if (byTag) return byTag;
  const tags = new Map<number, DictionaryEntry>();
  const keywords = new Map<string, number>();
  for (const line of DICTIONARY_LINES.split('\n')) {
    if (line === '') continue;
    // `TTTTTTTT VR Keyword`: fixed columns.
    const tag = parseInt(line.slice(0, 8), 16) >>> 0;
    const keyword = line.slice(12);
    tags.set(tag, { keyword, vr: line.slice(9, 11) });
    keywords.set(keyword, tag);
  }
  byTag = tags;
  byKeyword = keywords;
  return tags;
}

/** Repeating groups (PS3.5 7.6): curves 50xx and overlays 60xx are listed under their base group. */
function baseTag(tag: number): number {
  const group = tagGroup(tag);
  if ((group & 0xff00) === 0x5000 || (group & 0xff00) === 0x6000) {
    return (((group & 0xff00) << 16) | tagElement(tag)) >>> 0;
  }
  return tag;
}

export function lookupTag(tag: number): DictionaryEntry | undefined {
  const tags = load();
  return tags.get(tag) ?? tags.get(baseTag(tag));
}

export function tagForKeyword(keyword: string): number | undefined {
  load();
  return byKeyword?.get(keyword);
}

/** The VR an implicit-VR LE data set implies for a tag (PS3.5 A.1); UN when unknown or private. */
export function implicitVrOf(tag: number): string {
  if (isGroupLength(tag)) return 'UL';
  if (isPrivateCreator(tag)) return 'LO';
  if (isPrivateTag(tag)) return 'UN';
  return lookupTag(tag)?.vr ?? 'UN';
}
