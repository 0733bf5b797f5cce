import { DomainError, ProtocolErrorCode } from '@imagora/core';

// Semantic Versioning 2.0.0 (https://semver.org). Range syntax follows npm's node-semver for the
// forms committees use: exact, comparators (>=1.0.0 <2), ^, ~, x-ranges (1.x, 1.2.*), hyphen
// ranges (1.0.0 - 1.4.0) and `||`. Small enough to own rather than add a dependency.
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly (string | number)[];
  readonly build: readonly string[];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function parseSemver(version: string): SemVer | undefined {
  const match = SEMVER.exec(version);
  if (!match) return undefined;
  const numbers = [match[1], match[2], match[3]].map(Number);
  if (!numbers.every(Number.isSafeInteger)) return undefined;
  return {
    major: numbers[0],
    minor: numbers[1],
    patch: numbers[2],
    prerelease: match[4] ? match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
    build: match[5] ? match[5].split('.') : [],
  };
}

export function isValidSemver(version: string): boolean {
  return parseSemver(version) !== undefined;
}

function requireSemver(version: string): SemVer {
  const parsed = parseSemver(version);
  if (!parsed) throw new DomainError(ProtocolErrorCode.INVALID_VERSION, `"${version}" is not a semantic version (MAJOR.MINOR.PATCH)`);
  return parsed;
}

// semver §11: precedence ignores build metadata; a pre-release sorts before its release.
export function compareSemver(a: string | SemVer, b: string | SemVer): -1 | 0 | 1 {
  const left = typeof a === 'string' ? requireSemver(a) : a;
  const right = typeof b === 'string' ? requireSemver(b) : b;
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (left[key] !== right[key]) return left[key] < right[key] ? -1 : 1;
  }
  if (left.prerelease.length === 0 || right.prerelease.length === 0) {
    if (left.prerelease.length === right.prerelease.length) return 0;
    return left.prerelease.length === 0 ? 1 : -1;
  }
  const length = Math.max(left.prerelease.length, right.prerelease.length);
  for (let index = 0; index < length; index++) {
    const x = left.prerelease[index];
    const y = right.prerelease[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    // §11.4.3: numeric identifiers sort before alphanumeric ones.
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export type VersionBump = 'major' | 'minor' | 'patch' | 'prerelease' | 'none' | 'downgrade';

// What kind of step from `from` to `to` is, by the highest component that changed.
export function versionBump(from: string, to: string): VersionBump {
  const a = requireSemver(from);
  const b = requireSemver(to);
  const order = compareSemver(a, b);
  if (order === 0) return 'none';
  if (order > 0) return 'downgrade';
  if (a.major !== b.major) return 'major';
  if (a.minor !== b.minor) return 'minor';
  if (a.patch !== b.patch) return 'patch';
  return 'prerelease';
}

/**
 * Whether `to` may carry a breaking change relative to `from`: a new major version, or, while
 * major is 0 (semver §4: anything may change), a new minor version, matching how `^0.x`
 * ranges treat 0.x minors as breaking.
 */
export function allowsBreakingChange(from: string, to: string): boolean {
  const a = requireSemver(from);
  const b = requireSemver(to);
  if (compareSemver(a, b) >= 0) return false;
  if (b.major !== a.major) return true;
  return a.major === 0 && b.minor !== a.minor;
}

interface Comparator {
  readonly operator: '<' | '<=' | '>' | '>=' | '=';
  readonly version: SemVer;
}

type ComparatorSet = readonly Comparator[];

const PARTIAL = /^v?(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?)?)?$/;

interface Partial {
  readonly major?: number;
  readonly minor?: number;
  readonly patch?: number;
  readonly prerelease: readonly (string | number)[];
}

function parsePartial(text: string, range: string): Partial {
  const match = PARTIAL.exec(text);
  if (!match) throw invalidRange(range, `"${text}" is not a version`);
  const part = (value: string | undefined) => (value === undefined || /^[*xX]$/.test(value) ? undefined : Number(value));
  const major = part(match[1]);
  const minor = major === undefined ? undefined : part(match[2]);
  const patch = minor === undefined ? undefined : part(match[3]);
  const prerelease = patch !== undefined && match[4] ? match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [];
  return { major, minor, patch, prerelease };
}

const version = (major: number, minor: number, patch: number, prerelease: readonly (string | number)[] = []): SemVer => ({
  major,
  minor,
  patch,
  prerelease,
  build: [],
});
// `<X.0.0-0` excludes the pre-releases of X.0.0 too, as node-semver does.
const below = (major: number, minor: number, patch: number): Comparator => ({ operator: '<', version: version(major, minor, patch, [0]) });

function desugar(text: string, range: string): Comparator[] {
  const operatorMatch = /^(\^|~>?|<=|>=|<|>|=)?(.*)$/.exec(text)!;
  const operator = operatorMatch[1] ?? '';
  const p = parsePartial(operatorMatch[2], range);
  const anything: Comparator[] = [{ operator: '>=', version: version(0, 0, 0, [0]) }];
  if (p.major === undefined) return operator === '<' || operator === '>' ? [{ operator: '<', version: version(0, 0, 0, [0]) }] : anything;
  const { major } = p;
  const minor = p.minor ?? 0;
  const patch = p.patch ?? 0;
  const low: Comparator = { operator: '>=', version: version(major, minor, patch, p.prerelease) };
  switch (operator) {
    case '^':
      if (major > 0 || p.minor === undefined) return [low, below(major + 1, 0, 0)];
      if (minor > 0 || p.patch === undefined) return [low, below(0, minor + 1, 0)];
      return [low, below(0, 0, patch + 1)];
    case '~':
    case '~>':
      return p.minor === undefined ? [low, below(major + 1, 0, 0)] : [low, below(major, minor + 1, 0)];
    case '>':
      if (p.minor === undefined) return [{ operator: '>=', version: version(major + 1, 0, 0, [0]) }];
      if (p.patch === undefined) return [{ operator: '>=', version: version(major, minor + 1, 0, [0]) }];
      return [{ operator: '>', version: version(major, minor, patch, p.prerelease) }];
    case '>=':
      return [low];
    case '<':
      return [{ operator: '<', version: version(major, minor, patch, p.patch === undefined ? [0] : p.prerelease) }];
    case '<=':
      if (p.minor === undefined) return [below(major + 1, 0, 0)];
      if (p.patch === undefined) return [below(major, minor + 1, 0)];
      return [{ operator: '<=', version: version(major, minor, patch, p.prerelease) }];
    default:
      if (p.minor === undefined) return [low, below(major + 1, 0, 0)];
      if (p.patch === undefined) return [low, below(major, minor + 1, 0)];
      return [{ operator: '=', version: version(major, minor, patch, p.prerelease) }];
  }
}

function invalidRange(range: string, detail: string): DomainError {
  return new DomainError(ProtocolErrorCode.INVALID_RANGE, `"${range}" is not a version range: ${detail}`);
}

export function parseRange(range: string): ComparatorSet[] {
  if (range.length > 256) throw invalidRange(range.slice(0, 32) + '…', 'longer than 256 characters');
  return range.split('||').map((alternative) => {
    const text = alternative.trim().replace(/(\^|~>?|<=|>=|<|>|=)\s+/g, '$1');
    if (text === '') return [{ operator: '>=', version: version(0, 0, 0, [0]) }];
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const from = parsePartial(hyphen[1], range);
      const to = parsePartial(hyphen[2], range);
      const set: Comparator[] = [{ operator: '>=', version: version(from.major ?? 0, from.minor ?? 0, from.patch ?? 0, from.prerelease) }];
      if (to.major !== undefined) {
        if (to.minor === undefined) set.push(below(to.major + 1, 0, 0));
        else if (to.patch === undefined) set.push(below(to.major, to.minor + 1, 0));
        else set.push({ operator: '<=', version: version(to.major, to.minor, to.patch, to.prerelease) });
      }
      return set;
    }
    return text.split(/\s+/).flatMap((part) => desugar(part, range));
  });
}

function test(comparator: Comparator, candidate: SemVer): boolean {
  const order = compareSemver(candidate, comparator.version);
  switch (comparator.operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

export interface RangeOptions {
  // Off by default as in npm: a pre-release only matches a range naming a pre-release of the same X.Y.Z.
  readonly includePrerelease?: boolean;
}

export function satisfies(candidate: string, range: string, options: RangeOptions = {}): boolean {
  const parsed = parseSemver(candidate);
  if (!parsed) return false;
  return parseRange(range).some((set) => {
    if (!set.every((comparator) => test(comparator, parsed))) return false;
    if (parsed.prerelease.length === 0 || options.includePrerelease) return true;
    return set.some(
      ({ version: v }) =>
        v.prerelease.length > 0 && !(v.prerelease.length === 1 && v.prerelease[0] === 0) && v.major === parsed.major && v.minor === parsed.minor && v.patch === parsed.patch,
    );
  });
}

export function maxSatisfying(versions: readonly string[], range: string, options: RangeOptions = {}): string | undefined {
  parseRange(range);
  let best: string | undefined;
  for (const candidate of versions) {
    if (satisfies(candidate, range, options) && (best === undefined || compareSemver(candidate, best) > 0)) best = candidate;
  }
  return best;
}

export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => compareSemver(a, b));
}
