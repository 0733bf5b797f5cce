import type { JsonSchema } from './protocol-document';
import { joinJsonPointer } from './json-pointer';

// Keywords whose value is a subschema, an array of subschemas or a map of subschemas, across
// draft-07 and 2020-12. Only these positions are schemas: a "$ref" key inside `enum`, `const`,
// `default` or `examples` is data and must not be treated as a reference.
const SINGLE = [
  'additionalProperties', 'additionalItems', 'unevaluatedProperties', 'unevaluatedItems', 'contains',
  'propertyNames', 'not', 'if', 'then', 'else', 'contentSchema',
];
const ARRAY = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

export interface SchemaVisit {
  readonly schema: JsonSchema;
  // Pointer of this subschema relative to the schema root.
  readonly pointer: string;
  readonly isRoot: boolean;
}

/**
 * Visits every subschema with an explicit stack. Callers bound the depth first (lint limits), but
 * the walk itself never recurses, so even an unchecked schema cannot overflow the stack.
 */
export function walkSchema(root: JsonSchema, visit: (node: SchemaVisit) => void): void {
  const stack: SchemaVisit[] = [{ schema: root, pointer: '', isRoot: true }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const schema = node.schema;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) continue;
    const push = (value: unknown, ...tokens: Array<string | number>) => {
      if (typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value))) {
        stack.push({ schema: value as JsonSchema, pointer: joinJsonPointer(node.pointer, ...tokens), isRoot: false });
      }
    };
    for (const keyword of SINGLE) push(schema[keyword], keyword);
    for (const keyword of ARRAY) {
      const value = schema[keyword];
      if (Array.isArray(value)) value.forEach((item, index) => push(item, keyword, index));
    }
    for (const keyword of MAP) {
      const value = schema[keyword];
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [key, item] of Object.entries(value)) push(item, keyword, key);
      }
    }
    const items = schema['items'];
    if (Array.isArray(items)) items.forEach((item, index) => push(item, 'items', index));
    else push(items, 'items');
    // draft-07 `dependencies`: a map whose values are subschemas or arrays of property names.
    const dependencies = schema['dependencies'];
    if (typeof dependencies === 'object' && dependencies !== null && !Array.isArray(dependencies)) {
      for (const [key, item] of Object.entries(dependencies)) push(item, 'dependencies', key);
    }
  }
}
