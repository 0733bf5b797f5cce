import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore, newState, readState, stateFileFor } from './upload-state';

describe(StateStore.name, () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'imagora-upload-state-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps one state file per hub host under DIR/.imagora/', () => {
    expect(stateFileFor(root, 'http://127.0.0.1:8080')).toBe(join(root, '.imagora', 'upload-127.0.0.1_8080.json'));
    expect(stateFileFor(root, 'https://hub.example.org')).toBe(join(root, '.imagora', 'upload-hub.example.org.json'));
  });

  it('writes atomically (no temp file left) and reads back what it wrote', () => {
    const file = stateFileFor(root, 'http://localhost:1');
    const state = newState({ hub: 'http://localhost:1', dataset: 'a/b', protocol: 'p@1.0.0', deidLocal: false });
    state.submissionId = 'id-1';
    state.files['images/a.dcm'] = { size: 3, mtimeMs: 1, sha256: 'f'.repeat(64), multipart: { uploadId: 'u', partSize: 8, etags: { 1: '"e1"' } } };
    new StateStore(file, state).saveNow();
    expect(readdirSync(join(root, '.imagora'))).toEqual(['upload-localhost_1.json']);
    expect(readState(file)).toEqual(state);
  });

  it('coalesces save() calls into one delayed write', async () => {
    const file = stateFileFor(root, 'http://localhost:1');
    const state = newState({ hub: 'http://localhost:1', dataset: 'a/b', protocol: 'p@1.0.0', deidLocal: false });
    const store = new StateStore(file, state, 20);
    store.save();
    state.submissionId = 'later';
    store.save();
    expect(readState(file)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(readState(file)?.submissionId).toBe('later');
  });

  it('has no state for a folder never uploaded, and refuses a state it cannot read', () => {
    const file = stateFileFor(root, 'http://localhost:1');
    expect(readState(file)).toBeUndefined();
    new StateStore(file, newState({ hub: 'h', dataset: 'a/b', protocol: 'p@1.0.0', deidLocal: false })).saveNow();
    writeFileSync(file, '{"version": 99, "files": {}}');
    expect(() => readState(file)).toThrow(/--restart/);
    writeFileSync(file, '{not json');
    expect(() => readState(file)).toThrow(/--restart/);
  });
});
