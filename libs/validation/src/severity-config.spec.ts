import { IssueCode } from './issue-codes';
import { SeverityClassifier, globToRegExp, parseSeverityConfig } from './severity-config';

describe(parseSeverityConfig.name, () => {
  it('accepts BIDS-style lists of code and location rules', () => {
    const parsed = parseSeverityConfig({ ignore: [{ code: 'FILE_UNEXPECTED', location: '/docs/**' }], error: [{ code: 'DATASET_NO_ANNOTATIONS' }] });
    expect(parsed.ok).toBe(true);
  });

  it('refuses an unknown list, an unknown code and an empty rule', () => {
    const parsed = parseSeverityConfig({ fatal: [], warning: [{ code: 'NOPE' }, {}] });
    expect(parsed).toEqual({
      ok: false,
      problems: ['unknown key "fatal" (expected ignore, info, warning, error)', 'warning[0].code "NOPE" is not an issue code', 'warning[1] needs a code, a location or both'],
    });
  });

  it('refuses a config that is not an object', () => {
    expect(parseSeverityConfig([]).ok).toBe(false);
  });
});

describe(globToRegExp.name, () => {
  it('lets ** cross folders and * stay inside one', () => {
    expect(globToRegExp('images/**/*.dcm').test('images/a/b/c.dcm')).toBe(true);
    expect(globToRegExp('images/**/*.dcm').test('images/c.dcm')).toBe(true);
    expect(globToRegExp('images/*.dcm').test('images/a/c.dcm')).toBe(false);
  });

  it('treats regex metacharacters literally', () => {
    expect(globToRegExp('a+b(1).json').test('a+b(1).json')).toBe(true);
    expect(globToRegExp('a.json').test('abjson')).toBe(false);
  });
});

describe(SeverityClassifier.name, () => {
  it('lets the most severe matching list win', () => {
    const classifier = new SeverityClassifier({ ignore: [{ code: IssueCode.FILE_UNEXPECTED }], error: [{ location: 'docs/*' }] });
    expect(classifier.classify(IssueCode.FILE_UNEXPECTED, 'docs/a.txt', 'warning')).toBe('error');
    expect(classifier.classify(IssueCode.FILE_UNEXPECTED, 'other.txt', 'warning')).toBe('ignore');
  });

  it('keeps the default severity when no rule matches', () => {
    expect(new SeverityClassifier({ warning: [{ code: IssueCode.DICOM_MODALITY, location: 'legacy/**' }] }).classify(IssueCode.DICOM_MODALITY, 'images/a.dcm', 'error')).toBe('error');
  });
});
