import type { JsonSchema } from '../protocol-document';
import { getAtPointer, parseFragmentPointer } from '../json-pointer';

// Deterministic PRNG (mulberry32) so a failing property-test case can be replayed from its seed.
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
export const intBetween = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));

// Property names shared with the schema mutator, so extra properties under an open content model
// collide with names a later version may declare: exactly the case that makes open models subtle.
export const PROPERTY_NAMES = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const TYPES = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];

/**
 * A random JSON value intended to be valid under `schema` (supported keywords only). It is a
 * candidate: the property test checks it against the old schema with ajv and discards misses.
 */
export function generateInstance(schema: JsonSchema, root: JsonSchema, random: Random, depth = 0): unknown {
  if (schema === true) return anyValue(random, depth);
  if (schema === false) return undefined;
  const s = schema as Record<string, any>;
  if (typeof s.$ref === 'string') {
    const target = getAtPointer(root, parseFragmentPointer(s.$ref.slice(1)) ?? []);
    return generateInstance(target as JsonSchema, root, random, depth + 1);
  }
  if (s.const !== undefined) return structuredClone(s.const);
  if (Array.isArray(s.enum)) return structuredClone(pick(random, s.enum));
  if (Array.isArray(s.anyOf)) return generateInstance(pick(random, s.anyOf), root, random, depth);
  if (Array.isArray(s.oneOf)) return generateInstance(pick(random, s.oneOf), root, random, depth);
  if (Array.isArray(s.allOf) && s.allOf.length > 0 && s.type === undefined) return generateInstance(s.allOf[0], root, random, depth);
  const types: string[] = s.type === undefined ? (depth > 3 ? ['null', 'boolean', 'integer', 'string'] : TYPES) : Array.isArray(s.type) ? s.type : [s.type];
  const type = pick(random, types);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return random() < 0.5;
    case 'integer':
    case 'number': {
      const low = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -20);
      const high = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 20);
      if (s.multipleOf) return s.multipleOf * intBetween(random, Math.ceil(low / s.multipleOf), Math.floor(high / s.multipleOf));
      const whole = intBetween(random, Math.ceil(low), Math.floor(high));
      return type === 'number' && random() < 0.5 ? whole + 0.5 : whole;
    }
    case 'string': {
      const length = intBetween(random, s.minLength ?? 0, Math.min(s.maxLength ?? 6, (s.minLength ?? 0) + 6));
      return Array.from({ length }, () => pick(random, ['a', 'b', 'c', 'x'])).join('');
    }
    case 'array': {
      const prefix: JsonSchema[] = s.prefixItems ?? [];
      const min = s.minItems ?? 0;
      const length = intBetween(random, min, Math.min(s.maxItems ?? min + 3, min + 3));
      const items = s.items ?? true;
      const result: unknown[] = [];
      for (let index = 0; index < length; index++) {
        const item = index < prefix.length ? prefix[index] : items;
        if (item === false) break;
        result.push(generateInstance(item, root, random, depth + 1));
      }
      return result;
    }
    case 'object': {
      const result: Record<string, unknown> = {};
      const properties: Record<string, JsonSchema> = s.properties ?? {};
      const required: string[] = s.required ?? [];
      for (const [name, property] of Object.entries(properties)) {
        if (required.includes(name) || random() < 0.6) {
          const value = generateInstance(property, root, random, depth + 1);
          if (value !== undefined) result[name] = value;
        }
      }
      for (const name of required) if (!(name in result)) result[name] = anyValue(random, depth + 1);
      const additional: JsonSchema = s.additionalProperties ?? true;
      if (additional !== false) {
        for (const name of PROPERTY_NAMES) {
          if (name in properties || random() < 0.6) continue;
          const value = generateInstance(additional, root, random, depth + 1);
          if (value !== undefined) result[name] = value;
        }
      }
      return result;
    }
  }
  return null;
}

function anyValue(random: Random, depth: number): unknown {
  return generateInstance({ type: pick(random, depth > 2 ? ['null', 'boolean', 'integer', 'number', 'string'] : TYPES) }, true, random, depth + 1);
}
