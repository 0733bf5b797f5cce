import { DeidErrorCode } from '@imagora/core';
import { remapAnnotationUids } from './annotation-uid-remapper';

const remap = (uid: string): string => `new-${uid}`;

describe(remapAnnotationUids.name, () => {
  it('remaps a UID string at a pointer and leaves the input untouched', () => {
    const record = { image: { sopInstanceUid: '1.2.3' }, label: 'lesion' };
    const result = remapAnnotationUids(record, ['/image/sopInstanceUid'], remap);
    expect([result.record.image.sopInstanceUid, record.image.sopInstanceUid]).toEqual(['new-1.2.3', '1.2.3']);
  });

  it('remaps every UID of an array at a pointer', () => {
    expect(remapAnnotationUids({ refs: ['1', '2'] }, ['/refs'], remap).record.refs).toEqual(['new-1', 'new-2']);
  });

  it('decodes ~1 and ~0 in pointer tokens', () => {
    expect(remapAnnotationUids({ 'a/b': { '~c': '9' } }, ['/a~1b/~0c'], remap).record).toEqual({ 'a/b': { '~c': 'new-9' } });
  });

  it('reports a pointer that reaches no UID as unresolved', () => {
    expect(remapAnnotationUids({ image: {} }, ['/image/sopInstanceUid'], remap).unresolved).toEqual(['/image/sopInstanceUid']);
  });

  it('refuses a pointer that is not RFC 6901', () => {
    expect(() => remapAnnotationUids({}, ['image'], remap)).toThrow(expect.objectContaining({ code: DeidErrorCode.INVALID_JSON_POINTER }));
  });
});
