import * as fs from 'node:fs';
import { implicitVrOf, lookupTag, tagForKeyword } from './dicom-dictionary';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the generator is a plain Node script
const generator = require('../../../scripts/generate-dicom-dictionary.js') as { generate: () => string; outputFile: string };

describe('dicom dictionary', () => {
  it('matches a fresh generation from the pinned dcmjs (run scripts/generate-dicom-dictionary.js)', () => {
    expect(fs.readFileSync(generator.outputFile, 'utf8')).toBe(generator.generate());
  });

  it('names attributes and gives their PS3.6 VR', () => {
    expect(lookupTag(0x00100010)).toEqual({ keyword: 'PatientName', vr: 'PN' });
    expect(tagForKeyword('StudyInstanceUID')).toBe(0x0020000d);
    expect(lookupTag(0x7fe00010)?.keyword).toBe('PixelData');
  });

  it('resolves multi-VR entries to the VR implicit VR LE uses (PS3.5 A.1)', () => {
    expect([implicitVrOf(0x7fe00010), implicitVrOf(0x00280106), implicitVrOf(0x00041200)]).toEqual(['OW', 'US', 'UL']);
  });

  it('looks repeating groups up by their base group and leaves private tags UN', () => {
    expect(lookupTag(0x60023000)?.keyword).toBe('OverlayData');
    expect([implicitVrOf(0x00091001), implicitVrOf(0x00090010)]).toEqual(['UN', 'LO']);
  });
});
