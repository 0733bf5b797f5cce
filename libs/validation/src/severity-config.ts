import { isIssueCode, type IssueCode, type Severity } from './issue-codes';

// A config file re-classifies issues by code and path glob, as the BIDS validator's does:
//   { "ignore": [{ "code": "FILE_UNEXPECTED", "location": "docs/**" }],
//     "warning": [{ "code": "DICOM_NOT_PART10", "location": "images/legacy/**" }],
//     "error": [{ "code": "DATASET_NO_ANNOTATIONS" }] }
// An entry needs a code, a location or both. Lists apply in the order ignore, info, warning, error,
// so when several entries match one issue the most severe list wins.

export type SeverityOrIgnore = Severity | 'ignore';

export interface SeverityRule {
  readonly code?: IssueCode;
  readonly location?: string;
}

export type SeverityConfig = Partial<Record<SeverityOrIgnore, readonly SeverityRule[]>>;

const LISTS: readonly SeverityOrIgnore[] = ['ignore', 'info', 'warning', 'error'];
const MAX_RULES = 1000;

export type ConfigParse = { readonly ok: true; readonly config: SeverityConfig } | { readonly ok: false; readonly problems: string[] };

/** Checks an untrusted, already-parsed config value; problems are values, not exceptions. */
export function parseSeverityConfig(value: unknown): ConfigParse {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problems: ['the config must be a JSON object'] };
  const config: Partial<Record<SeverityOrIgnore, SeverityRule[]>> = {};
  for (const [key, list] of Object.entries(value as Record<string, unknown>)) {
    if (!(LISTS as readonly string[]).includes(key)) {
      problems.push(`unknown key "${key}" (expected ${LISTS.join(', ')})`);
      continue;
    }
    if (!Array.isArray(list) || list.length > MAX_RULES) {
      problems.push(`"${key}" must be an array of at most ${MAX_RULES} rules`);
      continue;
    }
    const rules: SeverityRule[] = [];
    list.forEach((rule: unknown, index) => {
      const where = `${key}[${index}]`;
      if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return void problems.push(`${where} must be an object`);
      const { code, location, ...rest } = rule as Record<string, unknown>;
      if (Object.keys(rest).length > 0) problems.push(`${where} has unknown keys ${Object.keys(rest).join(', ')} (expected code, location)`);
      if (code !== undefined && !isIssueCode(code)) problems.push(`${where}.code ${JSON.stringify(code)} is not an issue code`);
      if (location !== undefined && (typeof location !== 'string' || location.length === 0 || location.length > 1024)) problems.push(`${where}.location must be a non-empty glob`);
      if (code === undefined && location === undefined) problems.push(`${where} needs a code, a location or both`);
      rules.push({ code: code as IssueCode | undefined, location: location as string | undefined });
    });
    config[key as SeverityOrIgnore] = rules;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}

/** `**` crosses folders, `*` and `?` stay inside one path segment; a leading "/" is optional (BIDS writes one). */
export function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^\/+/, '');
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '*' && pattern[index + 1] === '*') {
      index++;
      if (pattern[index + 1] === '/') {
        index++;
        source += '(?:[^/]*/)*';
      } else source += '.*';
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

interface CompiledRule {
  readonly code?: IssueCode;
  readonly location?: RegExp;
  readonly severity: SeverityOrIgnore;
}

/** Compiled once per run; `classify` is called for every issue, so it stays a flat scan. */
export class SeverityClassifier {
  private readonly rules: CompiledRule[] = [];

  constructor(config: SeverityConfig = {}) {
    for (const severity of LISTS) {
      for (const rule of config[severity] ?? []) {
        this.rules.push({ code: rule.code, location: rule.location === undefined ? undefined : globToRegExp(rule.location), severity });
      }
    }
  }

  classify(code: IssueCode, file: string, severity: Severity): SeverityOrIgnore {
    let result: SeverityOrIgnore = severity;
    for (const rule of this.rules) {
      if (rule.code !== undefined && rule.code !== code) continue;
      if (rule.location !== undefined && !rule.location.test(file)) continue;
      result = rule.severity;
    }
    return result;
  }
}
