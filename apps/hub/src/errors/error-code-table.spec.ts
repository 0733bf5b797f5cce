import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorCodeTable } from './error-code-table';

const FILE = join(__dirname, '..', '..', '..', '..', 'docs', 'error-codes.md');

describe(renderErrorCodeTable.name, () => {
  it('matches the committed docs/error-codes.md (regenerate with UPDATE_DOCS=1 npm run jest -- error-code-table)', () => {
    const table = renderErrorCodeTable();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(FILE, table);
    expect(readFileSync(FILE, 'utf8')).toBe(table);
  });

  it('lists every code once', () => {
    const codes = renderErrorCodeTable().split('\n').filter((line) => line.startsWith('| ') && line.includes('`')).map((line) => line.split('|')[2].trim());
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeGreaterThan(60);
  });
});
