import * as dcmjs from 'dcmjs';
import { isGroupLength, isPrivateCreator, isPrivateTag, tagElement, tagGroup } from './dicom-tag';

// The PS3.6 data dictionary, taken from dcmjs (the only dcmjs import besides dcmjs-reader.ts), so implicit-VR
// data sets can be parsed and attributes named. Loaded once per process.

export interface DictionaryEntry {
  readonly keyword: string;
  /** PS3.6 VR; for multi-VR entries (`US or SS`, `OB or OW`) the one implicit VR LE uses. */
  readonly vr: string;
}

let byTag: Map<number, DictionaryEntry> | undefined;
let byKeyword: Map<string, number> | undefined;

// dcmjs spells multi-VR entries with lower-case codes; PS3.5 A.1 (implicit VR) resolves them this way.
const MULTI_VR: Record<string, string> = { ox: 'OW', xs: 'US', lt: 'OW', up: 'UL', na: 'UN' };

function load(): Map<number, DictionaryEntry> {
  if (byTag) return byTag;
  const tags = new Map<number, DictionaryEntry>();
  const keywords = new Map<string, number>();
  const nameMap = dcmjs.data.DicomMetaDictionary.nameMap as Record<string, { tag: string; vr: string; name: string }>;
  for (const entry of Object.values(nameMap)) {
    const hex = entry.tag.replace(/[(),]/g, '');
    if (!/^[0-9A-Fa-f]{8}$/.test(hex)) continue;
    const tag = parseInt(hex, 16) >>> 0;
    const vr = MULTI_VR[entry.vr] ?? entry.vr;
    tags.set(tag, { keyword: entry.name, vr });
    keywords.set(entry.name, tag);
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
