import { DomainError, ProtocolErrorCode } from '@imagora/core';
import { allowsBreakingChange, compareSemver, maxSatisfying, parseSemver, satisfies, sortVersions, versionBump } from './semver';

describe(parseSemver.name, () => {
  it('parses pre-release and build parts', () => {
    expect(parseSemver('1.2.3-rc.1+build.5')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: ['rc', 1], build: ['build', '5'] });
  });

  it.each(['1.2', '01.2.3', '1.2.3-01', 'v1.2.3', '1.2.3 '])('refuses %j', (text) => {
    expect(parseSemver(text)).toBeUndefined();
  });
});

describe(compareSemver.name, () => {
  it('orders versions by semver §11 precedence', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0'];
    expect(sortVersions([...ordered].reverse())).toEqual(ordered);
  });

  it('ignores build metadata', () => {
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0);
  });

  it('throws a domain error on an invalid version', () => {
    expect(() => compareSemver('1.0', '1.0.0')).toThrow(expect.objectContaining({ code: ProtocolErrorCode.INVALID_VERSION }));
  });
});

describe(satisfies.name, () => {
  it.each([
    ['1.2.0', '^1.2', true],
    ['1.9.9', '^1.2', true],
    ['2.0.0', '^1.2', false],
    ['1.1.9', '^1.2', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.2.2', '~1.2.3', false],
    ['1.5.0', '>=1.0.0 <2', true],
    ['2.0.0', '>=1.0.0 <2', false],
    ['2.0.0-rc.1', '>=1.0.0 <2', false],
    ['1.7.3', '1.x', true],
    ['2.0.0', '1.x', false],
    ['1.2.7', '1.2.*', true],
    ['1.2.3', '1.2.3', true],
    ['1.2.4', '1.2.3', false],
    ['1.2.3', '=1.2.3', true],
    ['3.1.0', '^1.0.0 || ^3.0.0', true],
    ['2.1.0', '^1.0.0 || ^3.0.0', false],
    ['1.4.0', '1.0.0 - 1.4.0', true],
    ['1.4.1', '1.0.0 - 1.4.0', false],
    ['1.4.9', '1.0.0 - 1.4', true],
    ['5.0.0', '*', true],
    ['1.0.1', '>1.0.0', true],
    ['1.0.0', '>1.0.0', false],
    ['1.9.0', '<=1.9', true],
    ['1.3.0-beta.2', '^1.3.0-beta.1', true],
    ['1.4.0-beta.2', '^1.3.0-beta.1', false],
    ['1.4.0-beta.2', '^1.3.0', false],
  ])('%s satisfies %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('includes pre-releases when asked', () => {
    expect(satisfies('1.4.0-beta.2', '^1.3.0', { includePrerelease: true })).toBe(true);
  });

  it('throws a domain error on a malformed range', () => {
    expect(() => satisfies('1.0.0', '^banana')).toThrow(DomainError);
  });
});

describe(maxSatisfying.name, () => {
  it('picks the highest matching version', () => {
    expect(maxSatisfying(['1.0.0', '1.2.0', '1.10.1', '2.0.0', '1.11.0-rc.1'], '^1.2')).toBe('1.10.1');
  });

  it('returns undefined when nothing matches', () => {
    expect(maxSatisfying(['1.0.0'], '^2')).toBeUndefined();
  });
});

describe(versionBump.name, () => {
  it.each([
    ['1.2.3', '2.0.0', 'major'],
    ['1.2.3', '1.3.0', 'minor'],
    ['1.2.3', '1.2.4', 'patch'],
    ['1.2.3-rc.1', '1.2.3', 'prerelease'],
    ['1.2.3', '1.2.3+b', 'none'],
    ['1.2.3', '1.2.2', 'downgrade'],
  ])('%s to %s is %s', (from, to, kind) => {
    expect(versionBump(from, to)).toBe(kind);
  });
});

describe(allowsBreakingChange.name, () => {
  it('allows a breaking change under a major bump', () => {
    expect(allowsBreakingChange('1.4.0', '2.0.0')).toBe(true);
  });

  it('refuses a breaking change under a minor bump', () => {
    expect(allowsBreakingChange('1.4.0', '1.5.0')).toBe(false);
  });

  it('treats a 0.x minor bump as breaking-capable', () => {
    expect(allowsBreakingChange('0.4.0', '0.5.0')).toBe(true);
  });
});
