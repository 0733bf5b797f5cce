import { LineSplitter } from './line-reader';

function collect(chunks: Buffer[], maxLineBytes = 1024) {
  const lines: Array<[number, string, boolean]> = [];
  // Lines are reported as [number, text as latin1 bytes, valid UTF-8].
  const tooLong: Array<[number, number]> = [];
  const splitter = new LineSplitter(maxLineBytes, {
    line: (text, line) => lines.push([line, text === undefined ? '' : Buffer.from(text, 'utf8').toString('latin1'), text !== undefined]),
    tooLong: (line, bytes) => tooLong.push([line, bytes]),
  });
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return { lines, tooLong };
}

describe(LineSplitter.name, () => {
  it('joins lines split across chunks and keeps a last line without newline', async () => {
    const { lines } = collect([Buffer.from('ab\ncd'), Buffer.from('ef\n\ngh')]);
    expect(lines).toEqual([
      [1, 'ab', true],
      [2, 'cdef', true],
      [3, '', true],
      [4, 'gh', true],
    ]);
  });

  it('checks UTF-8 per line when the chunk is invalid', async () => {
    const { lines } = collect([Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff]), Buffer.from('\nok\n')])]);
    expect(lines.map(([line, , utf8]) => [line, utf8])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
  });

  it('accepts a multi-byte character split between two chunks', async () => {
    const euro = Buffer.from('€\n');
    const { lines } = collect([euro.subarray(0, 1), euro.subarray(1)]);
    expect(lines).toEqual([[1, euro.subarray(0, 3).toString('latin1'), true]]);
  });

  it('counts a line over the limit across chunks and carries on after it', async () => {
    const { lines, tooLong } = collect([Buffer.from('x'.repeat(600)), Buffer.from('x'.repeat(600)), Buffer.from('x\nnext\n')], 1000);
    expect(tooLong).toEqual([[1, 1201]]);
    expect(lines).toEqual([[2, 'next', true]]);
  });
});
