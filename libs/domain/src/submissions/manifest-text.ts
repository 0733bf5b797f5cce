import { canonicalJson } from '@imagora/protocols';
import { DatasetManifest, ManifestEntry } from './submission.types';

const EMPTY_FILES_MEMBER = '"files":[]';
const CHUNK_CHARS = 64 * 1024;

/**
 * The canonical JSON of a manifest, byte for byte what canonicalJson(manifest) gives, produced while its entries are
 * read: a release of any number of files never holds its manifest in memory. Entries come in the order they are listed.
 */
export async function* canonicalManifestText(header: Omit<DatasetManifest, 'files'>, entries: AsyncIterable<ManifestEntry>): AsyncGenerator<string> {
  const withoutFiles = canonicalJson({ ...header, files: [] });
  // Inside a string value every quote is escaped, so the member's unescaped text can only be the member itself.
  const at = withoutFiles.indexOf(EMPTY_FILES_MEMBER) + EMPTY_FILES_MEMBER.length - 1;
  let text = withoutFiles.slice(0, at);
  let first = true;
  for await (const entry of entries) {
    text += (first ? '' : ',') + canonicalJson(entry);
    first = false;
    if (text.length >= CHUNK_CHARS) {
      yield text;
      text = '';
    }
  }
  yield text + withoutFiles.slice(at);
}
