import Ajv, { type Options } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { linearRegExpEngine } from './re2-regexp';

export type SchemaDialect = 'draft-2020-12' | 'draft-07';

const DIALECT_URIS: Record<string, SchemaDialect> = {
  'https://json-schema.org/draft/2020-12/schema': 'draft-2020-12',
  'https://json-schema.org/draft/2020-12/schema#': 'draft-2020-12',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'http://json-schema.org/draft-07/schema#': 'draft-07',
};

// An absent $schema means 2020-12, the dialect DESIGN.md names for protocols.
export function dialectOf(schema: unknown): SchemaDialect | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'draft-2020-12';
  const uri = (schema as Record<string, unknown>)['$schema'];
  if (uri === undefined) return 'draft-2020-12';
  return typeof uri === 'string' ? DIALECT_URIS[uri] : undefined;
}

export const SUPPORTED_DIALECT_URIS = Object.keys(DIALECT_URIS);

/**
 * The one set of ajv options for annotation schemas; the benchmark's bare-ajv baseline reuses it
 * so the comparison measures the library's overhead only.
 * - strict: an unknown keyword in a committee schema is almost always a typo ("minimun") that
 *   would silently accept everything, so it is an error; strictTypes/strictTuples only log.
 * - allErrors: a contributor fixing a record wants every issue at once.
 * - addUsedSchema false: a schema's own $id must not collide across protocols in one instance.
 * - code.regExp: user patterns on RE2 (ReDoS-safe); ajv-formats keep their fixed native regexes.
 */
export function annotationAjvOptions(): Options {
  return {
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allErrors: true,
    addUsedSchema: false,
    logger: false,
    code: { regExp: linearRegExpEngine },
  };
}

export function createAnnotationAjv(dialect: SchemaDialect): Ajv {
  const options = annotationAjvOptions();
  const ajv = dialect === 'draft-07' ? new Ajv(options) : new Ajv2020(options);
  addFormats(ajv);
  return ajv;
}

// The protocol meta-schema is trusted, but runs on the same engine so one regex dialect applies.
export function createMetaSchemaAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, logger: false, code: { regExp: linearRegExpEngine } });
  addFormats(ajv);
  return ajv;
}
