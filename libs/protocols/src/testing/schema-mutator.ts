import type { JsonSchema } from '../protocol-document';
import { intBetween, pick, PROPERTY_NAMES, type Random } from './instance-generator';

type Schema = Record<string, any>;

function leaf(random: Random): Schema {
  switch (intBetween(random, 0, 6)) {
    case 0:
      return { type: 'string', ...(random() < 0.4 ? { maxLength: intBetween(random, 1, 5) } : {}), ...(random() < 0.3 ? { minLength: intBetween(random, 0, 2) } : {}) };
    case 1:
      return { type: 'integer', ...(random() < 0.5 ? { minimum: intBetween(random, -5, 5) } : {}), ...(random() < 0.5 ? { maximum: intBetween(random, 6, 15) } : {}) };
    case 2:
      return { type: 'number', ...(random() < 0.4 ? { exclusiveMinimum: intBetween(random, -5, 5) } : {}), ...(random() < 0.3 ? { multipleOf: pick(random, [0.5, 1, 2]) } : {}) };
    case 3:
      return { enum: PROPERTY_NAMES.slice(0, intBetween(random, 1, 4)) };
    case 4:
      return { type: 'array', items: leaf(random), ...(random() < 0.4 ? { maxItems: intBetween(random, 1, 4) } : {}) };
    case 5:
      return { type: pick(random, [['string', 'null'], 'boolean', ['integer', 'string']]) };
    default:
      return { anyOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }] };
  }
}

export function randomObjectSchema(random: Random, depth = 0): Schema {
  const properties: Schema = {};
  for (const name of PROPERTY_NAMES.slice(0, intBetween(random, 1, 4))) properties[name] = depth < 1 && random() < 0.25 ? randomObjectSchema(random, depth + 1) : leaf(random);
  const names = Object.keys(properties);
  return {
    type: 'object',
    properties,
    required: names.filter(() => random() < 0.3),
    ...(random() < 0.5 ? { additionalProperties: random() < 0.7 ? false : leaf(random) } : {}),
  };
}

// Object schemas inside `schema` (the root and nested property objects), to mutate one of them.
function objectNodes(schema: Schema): Schema[] {
  const found: Schema[] = [schema];
  for (const value of Object.values(schema.properties ?? {})) if ((value as Schema).type === 'object') found.push(...objectNodes(value as Schema));
  return found;
}

const MUTATIONS: Array<(node: Schema, random: Random) => void> = [
  (node, random) => {
    node.properties[pick(random, PROPERTY_NAMES)] = leaf(random);
  },
  (node, random) => {
    delete node.properties[pick(random, Object.keys(node.properties))];
  },
  (node, random) => {
    const name = pick(random, PROPERTY_NAMES);
    node.required = node.required.includes(name) ? node.required.filter((n: string) => n !== name) : [...node.required, name];
  },
  (node, random) => {
    const choice = intBetween(random, 0, 2);
    if (choice === 0) delete node.additionalProperties;
    else if (choice === 1) node.additionalProperties = false;
    else node.additionalProperties = leaf(random);
  },
  (node, random) => {
    const name = pick(random, Object.keys(node.properties));
    const property = node.properties[name];
    if (property?.type === 'integer') property.type = 'number';
    else if (property?.type === 'number') property.type = 'integer';
    else if (property) node.properties[name] = leaf(random);
  },
  (node, random) => {
    const property = node.properties[pick(random, Object.keys(node.properties))];
    if (!property) return;
    for (const keyword of ['minimum', 'maximum', 'maxLength', 'minLength', 'exclusiveMinimum', 'maxItems']) {
      if (typeof property[keyword] !== 'number') continue;
      property[keyword] += pick(random, [-1, 1]);
      // Counts stay valid JSON Schema (non-negative integers).
      if (['maxLength', 'minLength', 'maxItems'].includes(keyword)) property[keyword] = Math.max(0, property[keyword]);
    }
  },
  (node, random) => {
    const property = node.properties[pick(random, Object.keys(node.properties))];
    if (Array.isArray(property?.enum)) {
      property.enum = random() < 0.5 && property.enum.length > 1 ? property.enum.slice(1) : [...new Set([...property.enum, pick(random, PROPERTY_NAMES)])];
    }
  },
  (node, random) => {
    const name = pick(random, Object.keys(node.properties));
    const property = node.properties[name];
    if (!property) return;
    if (Array.isArray(property.anyOf)) property.anyOf = random() < 0.5 ? property.anyOf.slice(1) : [...property.anyOf, leaf(random)];
    else node.properties[name] = { anyOf: [property, leaf(random)] };
  },
  (node) => {
    for (const property of Object.values(node.properties) as Schema[]) {
      if (Array.isArray(property.type) && property.type.length > 1) property.type = property.type[0];
    }
  },
];

// A copy of `schema` with one to three random mutations applied to random object nodes.
export function mutateSchema(schema: JsonSchema, random: Random): JsonSchema {
  const copy = structuredClone(schema) as Schema;
  const count = intBetween(random, 1, 3);
  for (let index = 0; index < count; index++) {
    const node = pick(random, objectNodes(copy));
    pick(random, MUTATIONS)(node, random);
    if (Object.keys(node.properties).length === 0) node.properties = { p0: leaf(random) };
  }
  return copy;
}
