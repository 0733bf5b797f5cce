import { CliError } from '../hub-client';
import { catalogQueryFrom, searchParamsFrom } from './catalog-filters';

describe(catalogQueryFrom.name, () => {
  it('turns repeated and comma-separated options into lists and numbers', () => {
    expect(catalogQueryFrom({ modality: ['CT', 'MR,CR'], label: ['nodule'], labelMin: '2', ageMin: '40', ageMax: '60', dataset: ['north/findings'], text: ' lung ' })).toEqual({
      modality: ['CT', 'MR', 'CR'],
      label: ['nodule'],
      labelMin: 2,
      ageMin: 40,
      ageMax: 60,
      dataset: ['north/findings'],
      text: 'lung',
    });
  });

  it.each([
    [{ ageMin: 'ten' }, /--age-min/],
    [{ ageMax: '201' }, /--age-max/],
    [{ ageMin: '60', ageMax: '40' }, /above/],
    [{ labelMin: '2' }, /needs at least one --label/],
    [{ dataset: ['findings'] }, /ORGANIZATION\/SLUG/],
  ])('refuses %j', (options, message) => {
    expect(() => catalogQueryFrom(options)).toThrow(CliError);
    expect(() => catalogQueryFrom(options)).toThrow(message);
  });
});

describe(searchParamsFrom.name, () => {
  it('sends free text as q and repeats list parameters', () => {
    expect(searchParamsFrom({ modality: ['CT', 'MR'], bodyPart: ['CHEST'], ageMin: 0, text: 'lung' }).toString()).toBe('modality=CT&modality=MR&bodyPart=CHEST&ageMin=0&q=lung');
  });
});
