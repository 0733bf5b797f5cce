import { dialectOf, type SchemaDialect } from './annotation-ajv';
import { canonicalJson } from './canonical-json';
import { BOTH_DIRECTIONS, type CompatibilityChange, type Direction } from './compatibility-change';

const BOTH = BOTH_DIRECTIONS as Direction[];
import { getAtPointer, joinJsonPointer, parseFragmentPointer } from './json-pointer';
import type { JsonSchema } from './protocol-document';
import { compileLinearPattern } from './re2-regexp';
import { parseRegistryRef, type AnnotationSchemaResolver } from './registry-ref';
import { walkSchema } from './schema-walker';

/**
 * Decides, keyword by keyword, whether every instance valid under the old schema is valid under
 * the new one (BACKWARD) and the reverse (FORWARD).
 *
 * Soundness argument: a JSON Schema object is the conjunction of its keywords' constraints
 * (2020-12 core §10.1), so if each new constraint contains the old schema's language, so does the
 * new schema. Each rule below only declares a direction safe when that containment holds; keywords
 * that interact (properties/patternProperties/additionalProperties, prefixItems/items,
 * minimum/exclusiveMinimum) are compared as one group. Anything not understood, and anything
 * too expensive to decide, is reported as breaking both directions. The price is incompleteness:
 * some equivalent rewrites are reported as breaking.
 */

interface Side {
  readonly root: JsonSchema;
  readonly dialect: SchemaDialect;
  // Registry id of the document this side belongs to, when known.
  readonly id?: string;
}

interface Node {
  readonly schema: JsonSchema;
  readonly side: Side;
}

type Keywords = { readonly [keyword: string]: unknown };

type TypeSet = ReadonlySet<string> | undefined; // undefined: any type

// Do not affect validation (2020-12 core §8, validation §7-9 annotations; `$defs` only hosts targets).
const ANNOTATIONS = new Set([
  '$schema', '$id', '$anchor', '$dynamicAnchor', '$comment', '$defs', 'definitions', '$vocabulary',
  'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly',
  'contentEncoding', 'contentMediaType',
]);

// Keywords this comparator reasons about; everything else is "unsupported".
const SUPPORTED = new Set([
  '$ref', 'type', 'enum', 'const',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'format',
  'items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems',
  'properties', 'patternProperties', 'additionalProperties', 'required', 'minProperties', 'maxProperties',
  'allOf', 'anyOf', 'oneOf',
]);

const MAX_COMPARISONS = 20_000;

export interface SchemaComparatorOptions {
  readonly resolver?: AnnotationSchemaResolver;
  readonly oldId?: string;
  readonly newId?: string;
}

export function compareAnnotationSchemas(
  oldSchema: JsonSchema,
  newSchema: JsonSchema,
  pointer: string,
  options: SchemaComparatorOptions = {},
): CompatibilityChange[] {
  const comparator = new SchemaComparator(options.resolver);
  const oldSide: Side = { root: oldSchema, dialect: dialectOf(oldSchema) ?? 'draft-2020-12', id: options.oldId };
  const newSide: Side = { root: newSchema, dialect: dialectOf(newSchema) ?? 'draft-2020-12', id: options.newId };
  comparator.compare({ schema: oldSchema, side: oldSide }, { schema: newSchema, side: newSide }, pointer, 0);
  return comparator.result();
}

const isObject = (value: unknown): value is Keywords => typeof value === 'object' && value !== null && !Array.isArray(value);

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

class SchemaComparator {
  private changes: CompatibilityChange[] = [];
  private comparisons = 0;
  private exhausted = false;
  private readonly inProgress = new Map<string, number>();
  private readonly objectIds = new WeakMap<object, number>();
  private nextId = 0;
  private readonly sides = new Map<string, Side>();
  private readonly canonical = new WeakMap<object, string>();

  constructor(private readonly resolver?: AnnotationSchemaResolver) {}

  result(): CompatibilityChange[] {
    // Emitted here, outside any masking, because exhausting the budget skips comparisons everywhere.
    if (this.exhausted) {
      this.emit('', 'analysis-too-complex', BOTH, `more than ${MAX_COMPARISONS} subschema comparisons; assuming the change breaks compatibility`);
    }
    return this.changes;
  }

  private emit(pointer: string, kind: string, breaks: Direction[], message: string): void {
    this.changes.push({ pointer, kind, breaks: [...breaks], message });
  }

  // Runs `body` into a separate change list (for trial comparisons and masking).
  private collect(body: () => void): CompatibilityChange[] {
    const saved = this.changes;
    this.changes = [];
    try {
      body();
      return this.changes;
    } finally {
      this.changes = saved;
    }
  }

  /**
   * Changes under a keyword family that only constrains instances of some types (numbers for
   * `minimum`, objects for `properties`, ...) cannot break BACKWARD when no old-valid instance has
   * such a type, nor FORWARD when no new-valid instance has.
   */
  private masked(oldRelevant: boolean, newRelevant: boolean, body: () => void): void {
    for (const change of this.collect(body)) {
      const breaks = change.breaks.filter((direction) => (direction === 'BACKWARD' ? oldRelevant : newRelevant));
      this.changes.push({ ...change, breaks });
    }
  }

  private idOf(value: object): number {
    let id = this.objectIds.get(value);
    if (id === undefined) {
      id = ++this.nextId;
      this.objectIds.set(value, id);
    }
    return id;
  }

  private text(value: unknown): string {
    if (!isObject(value) && !Array.isArray(value)) return canonicalJson(value);
    let text = this.canonical.get(value as object);
    if (text === undefined) {
      text = canonicalJson(value);
      this.canonical.set(value as object, text);
    }
    return text;
  }

  compare(oldNode: Node, newNode: Node, pointer: string, instanceDepth: number): void {
    if (this.exhausted) return;
    if (++this.comparisons > MAX_COMPARISONS) {
      this.exhausted = true;
      return;
    }
    if (this.sameMeaning(oldNode, newNode)) return;

    const pairKey = `${this.keyOf(oldNode)}|${this.keyOf(newNode)}`;
    const entered = this.inProgress.get(pairKey);
    if (entered !== undefined) {
      // Coinduction: instances are finite, so a recursive pair revisited deeper in the instance
      // holds if every finite unfolding holds. A revisit without descending proves nothing.
      if (instanceDepth > entered) return;
      this.emit(pointer, 'recursive-ref', BOTH, 'recursive $ref that does not descend into the instance; not analysed');
      return;
    }
    this.inProgress.set(pairKey, instanceDepth);
    try {
      this.compareResolved(oldNode, newNode, pointer, instanceDepth);
    } finally {
      this.inProgress.delete(pairKey);
    }
  }

  private keyOf(node: Node): string {
    return typeof node.schema === 'boolean' ? String(node.schema) : String(this.idOf(node.schema));
  }

  private compareResolved(oldNode: Node, newNode: Node, pointer: string, depth: number): void {
    const o = oldNode.schema;
    const n = newNode.schema;
    if (o === false) {
      if (n !== false) this.emit(pointer, 'schema-opened', ['FORWARD'], 'the old schema accepted nothing here; the new one accepts some values');
      return;
    }
    if (n === false) {
      this.emit(pointer, 'schema-closed', ['BACKWARD'], 'the new schema accepts nothing here');
      return;
    }

    const oldView = this.view(oldNode, pointer);
    const newView = this.view(newNode, pointer);
    if (!oldView || !newView) return;
    // A bare $ref (plus annotations) is its target: compare targets, so inlining a definition or
    // moving it under $defs is not a change.
    if (oldView.pureRef || newView.pureRef) {
      const nextOld = oldView.pureRef ?? oldNode;
      const nextNew = newView.pureRef ?? newNode;
      this.compare(nextOld, nextNew, pointer, depth);
      return;
    }

    const oldTypes = this.effectiveTypes(oldView);
    const newTypes = this.effectiveTypes(newView);
    const may = (types: TypeSet, ...wanted: string[]) => types === undefined || wanted.some((type) => types.has(type));

    this.compareTypes(oldView, newView, oldTypes, newTypes, pointer);
    this.compareValues(oldView, newView, pointer);
    // Not masked by type: ajv-formats also defines numeric formats (int32, float, ...).
    this.compareAddedRemoved(pointer, 'format', oldView, newView, 'format');
    this.masked(may(oldTypes, 'number', 'integer'), may(newTypes, 'number', 'integer'), () => this.compareNumbers(oldView, newView, pointer));
    this.masked(may(oldTypes, 'string'), may(newTypes, 'string'), () => this.compareStrings(oldView, newView, pointer));
    this.masked(may(oldTypes, 'array'), may(newTypes, 'array'), () => this.compareArrays(oldView, newView, pointer, depth));
    this.masked(may(oldTypes, 'object'), may(newTypes, 'object'), () => this.compareObjects(oldView, newView, pointer, depth));
    this.compareAllOf(oldView, newView, pointer, depth);
    this.compareAnyOf(oldView, newView, pointer, depth, 'anyOf');
    this.compareOneOf(oldView, newView, pointer, depth);
    this.compareUnsupported(oldView, newView, pointer);
  }

  // ---- references ----------------------------------------------------------------------------

  private sideFor(id: string, schema: unknown): Side {
    let side = this.sides.get(id);
    if (!side) {
      side = { root: schema as JsonSchema, dialect: dialectOf(schema) ?? 'draft-2020-12', id };
      this.sides.set(id, side);
    }
    return side;
  }

  // Undefined when the reference cannot be followed (remote, or absent from the registry).
  private resolveRef(ref: string, side: Side): Node | undefined {
    const hash = ref.indexOf('#');
    const resource = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? '' : ref.slice(hash + 1);
    let target = side;
    const rootId = isObject(side.root) && typeof side.root['$id'] === 'string' ? (side.root['$id'] as string).split('#')[0] : undefined;
    if (resource !== '' && resource !== side.id && resource !== rootId) {
      const registry = parseRegistryRef(resource);
      if (!registry || !this.resolver) return undefined;
      const schema = this.resolver(registry.name, registry.version);
      if (schema === undefined || (typeof schema !== 'boolean' && !isObject(schema))) return undefined;
      target = this.sideFor(registry.id, schema);
    }
    if (fragment === '' ) return { schema: target.root, side: target };
    if (fragment.startsWith('/')) {
      const tokens = parseFragmentPointer(fragment);
      const schema = tokens ? getAtPointer(target.root, tokens) : undefined;
      return typeof schema === 'boolean' || isObject(schema) ? { schema: schema as JsonSchema, side: target } : undefined;
    }
    let found: JsonSchema | undefined;
    walkSchema(target.root, ({ schema }) => {
      if (found === undefined && isObject(schema) && (schema['$anchor'] === fragment || schema['$id'] === `#${fragment}`)) found = schema;
    });
    return found === undefined ? undefined : { schema: found, side: target };
  }

  /**
   * Same text and every reference inside resolving to same-meaning targets: no instance can tell
   * them apart. Identical text alone is not enough, since "#/$defs/x" may point at a changed $defs.
   */
  private sameMeaning(oldNode: Node, newNode: Node, seen = new Set<string>()): boolean {
    if (this.text(oldNode.schema) !== this.text(newNode.schema)) return false;
    const key = `${this.keyOf(oldNode)}|${this.keyOf(newNode)}`;
    if (seen.has(key)) return true;
    seen.add(key);
    const found = referencesIn(oldNode.schema);
    // A nested $id or a dynamic reference changes what references mean; not modelled.
    if (found.nestedId || found.dynamic) return false;
    for (const ref of found.refs) {
      // Published registry versions are immutable: the same id is the same schema.
      const registry = parseRegistryRef(ref);
      if (registry && registry.id !== oldNode.side.id && registry.id !== newNode.side.id) continue;
      const oldTarget = this.resolveRef(ref, oldNode.side);
      const newTarget = this.resolveRef(ref, newNode.side);
      if (!oldTarget || !newTarget || !this.sameMeaning(oldTarget, newTarget, seen)) return false;
    }
    return true;
  }

  // ---- views ---------------------------------------------------------------------------------

  private view(node: Node, pointer: string): View | undefined {
    const schema = node.schema === true ? {} : (node.schema as Keywords);
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return new View(schema, node.side, []);
    const target = this.resolveRef(ref, node.side);
    if (!target) {
      this.emit(joinJsonPointer(pointer, '$ref'), 'ref-unresolved', BOTH, `cannot follow $ref ${show(ref)}; assuming the change breaks compatibility`);
      return undefined;
    }
    const constraining = Object.keys(schema).some((keyword) => keyword !== '$ref' && !ANNOTATIONS.has(keyword));
    return constraining ? new View(schema, node.side, [target]) : new View(schema, node.side, [], target);
  }

  private effectiveTypes(view: View): TypeSet {
    let types: Set<string> | undefined = view.declaredTypes() ? new Set(view.declaredTypes()) : undefined;
    const values = view.values();
    if (values) {
      const valueTypes = new Set(values.map(typeOfValue));
      types = types ? new Set([...valueTypes].filter((type) => typeIn(type, types!))) : valueTypes;
    }
    return types;
  }

  // ---- keyword families ----------------------------------------------------------------------

  private compareTypes(o: View, n: View, oldTypes: TypeSet, newTypes: TypeSet, pointer: string): void {
    const oldDeclared = o.declaredTypes();
    const newDeclared = n.declaredTypes();
    const backward = typesWithin(oldTypes, newDeclared);
    const forward = typesWithin(newTypes, oldDeclared);
    const same = this.text(oldDeclared ? [...oldDeclared].sort() : null) === this.text(newDeclared ? [...newDeclared].sort() : null);
    if (same && backward && forward) return;
    const breaks = directions(!backward, !forward);
    const kind = !backward && !forward ? 'type-changed' : !backward ? 'type-narrowed' : !forward ? 'type-widened' : 'type-changed';
    this.emit(joinJsonPointer(pointer, 'type'), kind, breaks, `type ${describeTypes(oldDeclared)} became ${describeTypes(newDeclared)}`);
  }

  private compareValues(o: View, n: View, pointer: string): void {
    const oldValues = o.values();
    const newValues = n.values();
    if (!oldValues && !newValues) return;
    const keyword = n.schema['const'] !== undefined || o.schema['const'] !== undefined ? 'const' : 'enum';
    const at = joinJsonPointer(pointer, n.schema[keyword] !== undefined ? keyword : o.schema['const'] !== undefined ? 'const' : 'enum');
    if (!oldValues) {
      this.emit(at, `${keyword}-added`, ['BACKWARD'], `values are now restricted to ${show(newValues)}`);
      return;
    }
    if (!newValues) {
      this.emit(at, `${keyword}-removed`, ['FORWARD'], `values are no longer restricted to ${show(oldValues)}`);
      return;
    }
    const oldTexts = new Set(oldValues.map((value) => this.text(value)));
    const newTexts = new Set(newValues.map((value) => this.text(value)));
    const removed = oldValues.filter((value) => !newTexts.has(this.text(value)));
    const added = newValues.filter((value) => !oldTexts.has(this.text(value)));
    if (keyword === 'const' && (removed.length > 0 || added.length > 0)) {
      this.emit(at, 'const-changed', directions(removed.length > 0, added.length > 0), `allowed values ${show(oldValues)} became ${show(newValues)}`);
      return;
    }
    if (removed.length > 0) this.emit(at, 'enum-value-removed', ['BACKWARD'], `enum no longer allows ${removed.map(show).join(', ')}`);
    if (added.length > 0) this.emit(at, 'enum-value-added', ['FORWARD'], `enum now also allows ${added.map(show).join(', ')}`);
  }

  private compareNumbers(o: View, n: View, pointer: string): void {
    this.compareBound(pointer, 'minimum', lowerBound(o.schema), lowerBound(n.schema), 'lower');
    this.compareBound(pointer, 'maximum', upperBound(o.schema), upperBound(n.schema), 'upper');
    const oldStep = numberOf(o.schema['multipleOf']);
    const newStep = numberOf(n.schema['multipleOf']);
    if (oldStep === newStep) return;
    const at = joinJsonPointer(pointer, 'multipleOf');
    // Every multiple of a is a multiple of b exactly when a is a multiple of b.
    const backward = newStep === undefined || (oldStep !== undefined && Number.isInteger(oldStep / newStep));
    const forward = oldStep === undefined || (newStep !== undefined && Number.isInteger(newStep / oldStep));
    this.emit(at, boundKind('multipleOf', backward, forward, oldStep, newStep), directions(!backward, !forward), `multipleOf ${oldStep ?? 'none'} became ${newStep ?? 'none'}`);
  }

  private compareBound(pointer: string, name: string, oldBound: Bound | undefined, newBound: Bound | undefined, end: 'lower' | 'upper'): void {
    if (oldBound?.value === newBound?.value && oldBound?.exclusive === newBound?.exclusive) return;
    const backward = boundWithin(oldBound, newBound, end);
    const forward = boundWithin(newBound, oldBound, end);
    const keyword = newBound?.keyword ?? oldBound?.keyword ?? name;
    this.emit(
      joinJsonPointer(pointer, keyword),
      boundKind(keyword, backward, forward, oldBound, newBound),
      directions(!backward, !forward),
      `${end} bound ${describeBound(oldBound)} became ${describeBound(newBound)}`,
    );
  }

  private compareCount(pointer: string, keyword: string, o: View, n: View, end: 'lower' | 'upper'): void {
    const oldValue = numberOf(o.schema[keyword]);
    const newValue = numberOf(n.schema[keyword]);
    if (oldValue === newValue) return;
    const asBound = (value: number | undefined): Bound | undefined => (value === undefined ? undefined : { value, exclusive: false, keyword });
    const backward = boundWithin(asBound(oldValue), asBound(newValue), end);
    const forward = boundWithin(asBound(newValue), asBound(oldValue), end);
    this.emit(joinJsonPointer(pointer, keyword), boundKind(keyword, backward, forward, oldValue, newValue), directions(!backward, !forward), `${keyword} ${oldValue ?? 'none'} became ${newValue ?? 'none'}`);
  }

  private compareStrings(o: View, n: View, pointer: string): void {
    this.compareCount(pointer, 'minLength', o, n, 'lower');
    this.compareCount(pointer, 'maxLength', o, n, 'upper');
    // Inclusion between two regular languages is not decided here: any edit is breaking.
    this.compareAddedRemoved(pointer, 'pattern', o, n, 'pattern');
  }

  // A constraint keyword whose values are only comparable for equality.
  private compareAddedRemoved(pointer: string, keyword: string, o: View, n: View, label: string): void {
    const oldValue = o.schema[keyword];
    const newValue = n.schema[keyword];
    if (this.text(oldValue ?? null) === this.text(newValue ?? null)) return;
    const at = joinJsonPointer(pointer, keyword);
    if (oldValue === undefined) this.emit(at, `${label}-added`, ['BACKWARD'], `${keyword} ${show(newValue)} added`);
    else if (newValue === undefined) this.emit(at, `${label}-removed`, ['FORWARD'], `${keyword} ${show(oldValue)} removed`);
    else this.emit(at, `${label}-changed`, BOTH, `${keyword} ${show(oldValue)} became ${show(newValue)}`);
  }

  private compareArrays(o: View, n: View, pointer: string, depth: number): void {
    this.compareCount(pointer, 'minItems', o, n, 'lower');
    this.compareCount(pointer, 'maxItems', o, n, 'upper');
    const oldUnique = o.schema['uniqueItems'] === true;
    const newUnique = n.schema['uniqueItems'] === true;
    if (oldUnique !== newUnique) {
      this.emit(joinJsonPointer(pointer, 'uniqueItems'), newUnique ? 'uniqueItems-added' : 'uniqueItems-removed', [newUnique ? 'BACKWARD' : 'FORWARD'], `uniqueItems ${oldUnique} became ${newUnique}`);
    }
    const oldItems = o.itemModel();
    const newItems = n.itemModel();
    const length = Math.max(oldItems.prefix.length, newItems.prefix.length);
    for (let index = 0; index < length; index++) {
      const oldItem = oldItems.prefix[index] ?? oldItems.rest;
      const newItem = newItems.prefix[index] ?? newItems.rest;
      const at = joinJsonPointer(pointer, newItems.prefixKeyword, index);
      this.compare({ schema: oldItem, side: o.side }, { schema: newItem, side: n.side }, at, depth + 1);
    }
    this.compare({ schema: oldItems.rest, side: o.side }, { schema: newItems.rest, side: n.side }, joinJsonPointer(pointer, newItems.restKeyword), depth + 1);
  }

  private compareObjects(o: View, n: View, pointer: string, depth: number): void {
    this.compareCount(pointer, 'minProperties', o, n, 'lower');
    this.compareCount(pointer, 'maxProperties', o, n, 'upper');

    const oldRequired = new Set(o.stringList('required'));
    const newRequired = new Set(n.stringList('required'));
    for (const name of newRequired) {
      if (!oldRequired.has(name)) this.emit(joinJsonPointer(pointer, 'required'), 'required-added', ['BACKWARD'], `property ${show(name)} is now required; old records may lack it`);
    }
    for (const name of oldRequired) {
      if (!newRequired.has(name)) this.emit(joinJsonPointer(pointer, 'required'), 'required-removed', ['FORWARD'], `property ${show(name)} is no longer required; new records may lack it`);
    }

    const oldPatterns = o.schemaMap('patternProperties');
    const newPatterns = n.schemaMap('patternProperties');
    const samePatternKeys = this.text(Object.keys(oldPatterns).sort()) === this.text(Object.keys(newPatterns).sort());
    if (![...Object.keys(oldPatterns), ...Object.keys(newPatterns)].every(compiles)) {
      this.emit(joinJsonPointer(pointer, 'patternProperties'), 'patternProperties-unsupported', BOTH, 'a property-name pattern does not compile on the linear-time engine');
      return;
    }
    if (!samePatternKeys) {
      this.emit(joinJsonPointer(pointer, 'patternProperties'), 'patternProperties-changed', BOTH, 'the set of property-name patterns changed; regular-expression inclusion is not decided');
    }
    const oldProperties = o.schemaMap('properties');
    const newProperties = n.schemaMap('properties');
    const oldAdditional = o.schemaOr('additionalProperties', true);
    const newAdditional = n.schemaOr('additionalProperties', true);
    const names = [...new Set([...Object.keys(oldProperties), ...Object.keys(newProperties)])].sort();
    for (const name of names) {
      const at = joinJsonPointer(pointer, 'properties', name);
      // What constrains a property of this name besides patterns (which apply equally to both
      // sides when their keys are identical): its own declaration, or additionalProperties when
      // it is neither declared nor matched by a pattern (2020-12 core §10.3.2.3).
      // With one matching pattern P, comparing against P itself is still sufficient: the new side
      // is (declaration AND P), and L(P) inside L(declaration) implies L(P) inside L(both).
      const oldEffective = oldProperties[name] ?? patternOr(oldPatterns, name, oldAdditional);
      const newEffective = newProperties[name] ?? patternOr(newPatterns, name, newAdditional);
      if (!(name in oldProperties) && typeof oldEffective === 'boolean') {
        const breaks = this.collect(() => this.compare({ schema: oldEffective, side: o.side }, { schema: newEffective, side: n.side }, at, depth + 1));
        const union = unionBreaks(breaks);
        this.emit(
          at,
          'property-added',
          union,
          oldEffective
            ? `property ${show(name)} added${union.includes('BACKWARD') ? '; the old content model was open, so old records may already carry it with any value' : ''}`
            : `property ${show(name)} added; the old content model was closed, so old readers refuse records that carry it`,
        );
        continue;
      }
      if (!(name in newProperties) && typeof newEffective === 'boolean') {
        const breaks = this.collect(() => this.compare({ schema: oldEffective, side: o.side }, { schema: newEffective, side: n.side }, at, depth + 1));
        const union = unionBreaks(breaks);
        this.emit(
          joinJsonPointer(pointer, 'properties', name),
          'property-removed',
          union,
          newEffective
            ? `property ${show(name)} removed${union.includes('FORWARD') ? '; the new content model is open, so new records may carry it with any value' : ''}`
            : `property ${show(name)} removed; the new content model is closed, so old records that carry it are refused`,
        );
        continue;
      }
      this.compare({ schema: oldEffective, side: o.side }, { schema: newEffective, side: n.side }, at, depth + 1);
    }
    if (samePatternKeys) {
      for (const key of Object.keys(newPatterns).sort()) {
        this.compare({ schema: oldPatterns[key], side: o.side }, { schema: newPatterns[key], side: n.side }, joinJsonPointer(pointer, 'patternProperties', key), depth + 1);
      }
    }
    const at = joinJsonPointer(pointer, 'additionalProperties');
    if (typeof oldAdditional === 'boolean' && typeof newAdditional === 'boolean') {
      if (oldAdditional && !newAdditional) this.emit(at, 'additionalProperties-closed', ['BACKWARD'], 'undeclared properties are no longer allowed; old records with extra properties are refused');
      if (!oldAdditional && newAdditional) this.emit(at, 'additionalProperties-opened', ['FORWARD'], 'undeclared properties are now allowed; old readers refuse records that carry them');
      return;
    }
    const breaks = this.collect(() => this.compare({ schema: oldAdditional, side: o.side }, { schema: newAdditional, side: n.side }, at, depth + 1));
    if (breaks.length > 0) this.emit(at, 'additionalProperties-changed', unionBreaks(breaks), 'the schema of undeclared properties changed');
    this.changes.push(...breaks);
  }

  private compareAllOf(o: View, n: View, pointer: string, depth: number): void {
    const oldParts = o.conjuncts();
    const newParts = n.conjuncts();
    if (oldParts.length === 0 && newParts.length === 0) return;
    const pairs = this.pairIdentical(oldParts, newParts);
    const oldLeft = oldParts.filter((_, index) => !pairs.oldUsed.has(index));
    const newLeft = newParts.filter((_, index) => !pairs.newUsed.has(index));
    const paired = Math.min(oldLeft.length, newLeft.length);
    for (let index = 0; index < paired; index++) this.compare(oldLeft[index].node, newLeft[index].node, newLeft[index].pointer(pointer), depth);
    // A conjunct added narrows (L(new) is inside L(old)); one removed widens.
    for (const part of newLeft.slice(paired)) {
      const at = part.pointer(pointer);
      if (part.node.schema !== true) this.emit(at, 'allOf-branch-added', ['BACKWARD'], 'a schema that every value must also satisfy was added');
    }
    for (const part of oldLeft.slice(paired)) {
      if (part.node.schema !== true) this.emit(part.pointer(pointer), 'allOf-branch-removed', ['FORWARD'], 'a schema that every value had to satisfy was removed');
    }
  }

  // Matches branches whose meaning is identical, so reordering is not a change.
  private pairIdentical(oldParts: readonly Part[], newParts: readonly Part[]): { oldUsed: Set<number>; newUsed: Set<number> } {
    const oldUsed = new Set<number>();
    const newUsed = new Set<number>();
    oldParts.forEach((oldPart, i) => {
      const j = newParts.findIndex((newPart, index) => !newUsed.has(index) && this.sameMeaning(oldPart.node, newPart.node));
      if (j >= 0) {
        oldUsed.add(i);
        newUsed.add(j);
      }
    });
    return { oldUsed, newUsed };
  }

  /**
   * L(anyOf) is the union of the branches: BACKWARD holds when every old branch is inside some new
   * branch, FORWARD when every new branch is inside some old one. An absent anyOf is [true].
   */
  private compareAnyOf(o: View, n: View, pointer: string, depth: number, keyword: 'anyOf' | 'oneOf'): void {
    const oldBranches = o.branches(keyword) ?? [true];
    const newBranches = n.branches(keyword) ?? [true];
    if (o.branches(keyword) === undefined && n.branches(keyword) === undefined) return;
    const cell: CompatibilityChange[][][] = oldBranches.map((oldBranch) =>
      newBranches.map((newBranch, j) =>
        this.collect(() => this.compare({ schema: oldBranch, side: o.side }, { schema: newBranch, side: n.side }, joinJsonPointer(pointer, keyword, j), depth)),
      ),
    );
    const safe = (changes: CompatibilityChange[], direction: Direction) => !changes.some((change) => change.breaks.includes(direction));
    oldBranches.forEach((_, i) => {
      if (cell[i].some((changes) => safe(changes, 'BACKWARD'))) return;
      const partner = cell[i][i];
      this.emit(
        joinJsonPointer(pointer, keyword, i),
        partner ? `${keyword}-branch-narrowed` : `${keyword}-branch-removed`,
        ['BACKWARD'],
        `values valid under old ${keyword} branch ${i} are not all accepted by any new branch${partner ? ': ' + partner.filter((c) => c.breaks.includes('BACKWARD')).map((c) => c.message).join('; ') : ''}`,
      );
    });
    newBranches.forEach((_, j) => {
      if (cell.some((row) => safe(row[j], 'FORWARD'))) return;
      const partner = cell[j]?.[j];
      this.emit(
        joinJsonPointer(pointer, keyword, j),
        partner ? `${keyword}-branch-widened` : `${keyword}-branch-added`,
        ['FORWARD'],
        `values valid under new ${keyword} branch ${j} are not all accepted by any old branch${partner ? ': ' + partner.filter((c) => c.breaks.includes('FORWARD')).map((c) => c.message).join('; ') : ''}`,
      );
    });
  }

  /**
   * oneOf needs exactly one branch to match, so widening a branch can create overlaps that make
   * old values invalid. It is compared like anyOf only when the branches on both sides are
   * provably pairwise disjoint (then "exactly one" equals "at least one").
   */
  private compareOneOf(o: View, n: View, pointer: string, depth: number): void {
    const oldBranches = o.branches('oneOf');
    const newBranches = n.branches('oneOf');
    if (!oldBranches && !newBranches) return;
    const at = joinJsonPointer(pointer, 'oneOf');
    if (!newBranches) {
      this.emit(at, 'oneOf-removed', ['FORWARD'], 'the oneOf constraint was removed');
      return;
    }
    if (!oldBranches) {
      this.emit(at, 'oneOf-added', ['BACKWARD'], 'a oneOf constraint was added');
      return;
    }
    if (this.pairwiseDisjoint(oldBranches, o.side) && this.pairwiseDisjoint(newBranches, n.side)) {
      this.compareAnyOf(o, n, pointer, depth, 'oneOf');
      return;
    }
    const oldParts = oldBranches.map((schema, index) => new Part({ schema, side: o.side }, 'oneOf', index));
    const newParts = newBranches.map((schema, index) => new Part({ schema, side: n.side }, 'oneOf', index));
    const pairs = this.pairIdentical(oldParts, newParts);
    if (pairs.oldUsed.size === oldParts.length && pairs.newUsed.size === newParts.length) return;
    this.emit(at, 'oneOf-changed', BOTH, 'oneOf branches changed and are not provably disjoint, so values may now match none or several branches');
  }

  private pairwiseDisjoint(branches: readonly JsonSchema[], side: Side): boolean {
    const views = branches.map((schema) => this.plainView({ schema, side }));
    if (views.some((view) => view === undefined)) return false;
    for (let i = 0; i < views.length; i++) {
      for (let j = i + 1; j < views.length; j++) {
        if (!this.disjoint(views[i]!, views[j]!)) return false;
      }
    }
    return true;
  }

  // A view with bare references followed, quietly; undefined when not analysable.
  private plainView(node: Node): View | undefined {
    let current: Node | undefined = node;
    for (let hops = 0; current && hops < 16; hops++) {
      if (current.schema === false) return undefined;
      const schema: Keywords = current.schema === true ? {} : (current.schema as Keywords);
      if (typeof schema['$ref'] !== 'string') return new View(schema, current.side, []);
      const constraining = Object.keys(schema).some((keyword) => keyword !== '$ref' && !ANNOTATIONS.has(keyword));
      if (constraining) return undefined;
      current = this.resolveRef(schema['$ref'] as string, current.side);
    }
    return undefined;
  }

  private disjoint(a: View, b: View): boolean {
    const typesA = this.effectiveTypes(a);
    const typesB = this.effectiveTypes(b);
    if (typesA && typesB && ![...typesA].some((x) => [...typesB].some((y) => typeIn(x, [y]) || typeIn(y, [x])))) return true;
    const valuesA = a.values();
    const valuesB = b.values();
    if (valuesA && valuesB && !valuesA.some((x) => valuesB.some((y) => this.text(x) === this.text(y)))) return true;
    // Discriminated objects: both only objects, both require a property whose allowed values differ.
    const onlyObjects = (types: TypeSet) => types !== undefined && [...types].every((type) => type === 'object');
    if (!onlyObjects(typesA) || !onlyObjects(typesB)) return false;
    const requiredB = new Set(b.stringList('required'));
    for (const name of a.stringList('required')) {
      if (!requiredB.has(name)) continue;
      const propertyA = a.schemaMap('properties')[name];
      const propertyB = b.schemaMap('properties')[name];
      if (propertyA === undefined || propertyB === undefined) continue;
      const viewA = this.plainView({ schema: propertyA, side: a.side });
      const viewB = this.plainView({ schema: propertyB, side: b.side });
      const x = viewA?.values();
      const y = viewB?.values();
      if (x && y && !x.some((left) => y.some((right) => this.text(left) === this.text(right)))) return true;
    }
    return false;
  }

  private compareUnsupported(o: View, n: View, pointer: string): void {
    const keywords = new Set([...Object.keys(o.schema), ...Object.keys(n.schema)]);
    for (const keyword of [...keywords].sort()) {
      if (SUPPORTED.has(keyword) || (ANNOTATIONS.has(keyword) && keyword !== '$id')) continue;
      if (keyword === '$id' && o.schema === o.side.root && n.schema === n.side.root) continue;
      const oldValue = o.schema[keyword];
      const newValue = n.schema[keyword];
      if (keyword !== '$id' && oldValue !== undefined && newValue !== undefined && this.sameValueMeaning(oldValue, newValue, o.side, n.side)) continue;
      this.emit(
        joinJsonPointer(pointer, keyword),
        'unsupported-keyword',
        BOTH,
        `${keyword} ${oldValue === undefined ? 'added' : newValue === undefined ? 'removed' : keyword === '$id' ? 'on a subschema' : 'changed'}; the checker does not analyse "${keyword}", so this may break compatibility`,
      );
    }
  }

  // Equality of a keyword value that may contain subschemas with references.
  private sameValueMeaning(oldValue: unknown, newValue: unknown, oldSide: Side, newSide: Side): boolean {
    return this.sameMeaning({ schema: { allOf: [oldValue] } as JsonSchema, side: oldSide }, { schema: { allOf: [newValue] } as JsonSchema, side: newSide });
  }
}

class Part {
  constructor(
    readonly node: Node,
    private readonly keyword: string,
    private readonly index?: number,
  ) {}

  pointer(base: string): string {
    return this.index === undefined ? joinJsonPointer(base, this.keyword) : joinJsonPointer(base, this.keyword, this.index);
  }
}

class View {
  constructor(
    readonly schema: Keywords,
    readonly side: Side,
    // Targets of a $ref that has constraining siblings: they apply in conjunction (2020-12 core §8.2.3.1).
    private readonly refTargets: readonly Node[],
    readonly pureRef?: Node,
  ) {}

  declaredTypes(): string[] | undefined {
    const type = this.schema['type'];
    if (type === undefined) return undefined;
    return Array.isArray(type) ? (type as string[]) : [type as string];
  }

  // The finite set of allowed values from const/enum, or undefined when unrestricted.
  values(): unknown[] | undefined {
    const hasConst = Object.prototype.hasOwnProperty.call(this.schema, 'const');
    const enumValues = Array.isArray(this.schema['enum']) ? (this.schema['enum'] as unknown[]) : undefined;
    if (hasConst && enumValues) {
      const constText = canonicalJson(this.schema['const']);
      return enumValues.some((value) => canonicalJson(value) === constText) ? [this.schema['const']] : [];
    }
    if (hasConst) return [this.schema['const']];
    return enumValues;
  }

  stringList(keyword: string): string[] {
    const value = this.schema[keyword];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  schemaMap(keyword: string): Record<string, JsonSchema> {
    const value = this.schema[keyword];
    return isObject(value) ? (value as Record<string, JsonSchema>) : {};
  }

  schemaOr(keyword: string, fallback: JsonSchema): JsonSchema {
    const value = this.schema[keyword];
    return typeof value === 'boolean' || isObject(value) ? (value as JsonSchema) : fallback;
  }

  branches(keyword: 'anyOf' | 'oneOf'): JsonSchema[] | undefined {
    const value = this.schema[keyword];
    return Array.isArray(value) ? (value as JsonSchema[]) : undefined;
  }

  conjuncts(): Part[] {
    const allOf = Array.isArray(this.schema['allOf']) ? (this.schema['allOf'] as JsonSchema[]) : [];
    return [...allOf.map((schema, index) => new Part({ schema, side: this.side }, 'allOf', index)), ...this.refTargets.map((node) => new Part(node, '$ref'))];
  }

  // Positional items as prefix + rest, for both dialects (draft-07 items-array + additionalItems).
  itemModel(): { prefix: JsonSchema[]; rest: JsonSchema; prefixKeyword: string; restKeyword: string } {
    const items = this.schema['items'];
    if (this.side.dialect === 'draft-07') {
      if (Array.isArray(items)) return { prefix: items as JsonSchema[], rest: this.schemaOr('additionalItems', true), prefixKeyword: 'items', restKeyword: 'additionalItems' };
      return { prefix: [], rest: this.schemaOr('items', true), prefixKeyword: 'items', restKeyword: 'items' };
    }
    const prefix = Array.isArray(this.schema['prefixItems']) ? (this.schema['prefixItems'] as JsonSchema[]) : [];
    return { prefix, rest: this.schemaOr('items', true), prefixKeyword: 'prefixItems', restKeyword: 'items' };
  }
}

interface Bound {
  readonly value: number;
  readonly exclusive: boolean;
  readonly keyword: string;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function lowerBound(schema: Keywords): Bound | undefined {
  const inclusive = numberOf(schema['minimum']);
  const exclusive = numberOf(schema['exclusiveMinimum']);
  if (exclusive !== undefined && (inclusive === undefined || exclusive >= inclusive)) return { value: exclusive, exclusive: true, keyword: 'exclusiveMinimum' };
  return inclusive === undefined ? undefined : { value: inclusive, exclusive: false, keyword: 'minimum' };
}

function upperBound(schema: Keywords): Bound | undefined {
  const inclusive = numberOf(schema['maximum']);
  const exclusive = numberOf(schema['exclusiveMaximum']);
  if (exclusive !== undefined && (inclusive === undefined || exclusive <= inclusive)) return { value: exclusive, exclusive: true, keyword: 'exclusiveMaximum' };
  return inclusive === undefined ? undefined : { value: inclusive, exclusive: false, keyword: 'maximum' };
}

// Whether the values allowed by `inner` are all allowed by `outer` at this end.
function boundWithin(inner: Bound | undefined, outer: Bound | undefined, end: 'lower' | 'upper'): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  if (inner.value !== outer.value) return end === 'lower' ? inner.value > outer.value : inner.value < outer.value;
  return inner.exclusive || !outer.exclusive;
}

function boundKind(keyword: string, backward: boolean, forward: boolean, oldValue: unknown, newValue: unknown): string {
  if (oldValue === undefined) return `${keyword}-added`;
  if (newValue === undefined) return `${keyword}-removed`;
  if (!backward && forward) return `${keyword}-tightened`;
  if (backward && !forward) return `${keyword}-loosened`;
  return `${keyword}-changed`;
}

function describeBound(bound: Bound | undefined): string {
  if (!bound) return 'none';
  return `${bound.exclusive ? 'exclusive' : 'inclusive'} ${bound.value}`;
}

function directions(backward: boolean, forward: boolean): Direction[] {
  return [...(backward ? (['BACKWARD'] as const) : []), ...(forward ? (['FORWARD'] as const) : [])];
}

function unionBreaks(changes: readonly CompatibilityChange[]): Direction[] {
  const all = new Set(changes.flatMap((change) => change.breaks));
  return directions(all.has('BACKWARD'), all.has('FORWARD'));
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

// JSON Schema validation §6.1.1: "integer" matches any number with a zero fractional part.
function typeIn(type: string, types: ReadonlySet<string> | readonly string[]): boolean {
  const has = (t: string) => (Array.isArray(types) ? types.includes(t) : (types as ReadonlySet<string>).has(t));
  return has(type) || (type === 'integer' && has('number'));
}

function typesWithin(inner: TypeSet, outer: readonly string[] | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return [...inner].every((type) => typeIn(type, outer));
}

function describeTypes(types: readonly string[] | undefined): string {
  return types ? types.join('|') : 'any';
}

function compiles(pattern: string): boolean {
  try {
    compileLinearPattern(pattern);
    return true;
  } catch {
    return false;
  }
}

// The constraint on an undeclared property name: its single matching pattern's schema, `true`
// for several (they apply equally on both sides), else additionalProperties. Patterns run on the
// same engine ajv uses for them (annotation-ajv.ts).
function patternOr(patterns: Record<string, JsonSchema>, name: string, additional: JsonSchema): JsonSchema {
  const matching = Object.keys(patterns).filter((pattern) => compileLinearPattern(pattern).test(name));
  if (matching.length === 0) return additional;
  return matching.length === 1 ? patterns[matching[0]] : true;
}

// Every "$ref"-like string anywhere in a value, found without recursion. Scanning data keywords
// too (enum, const) can only make the answer more conservative.
function referencesIn(value: unknown): { refs: string[]; nestedId: boolean; dynamic: boolean } {
  const refs: string[] = [];
  let nestedId = false;
  let dynamic = false;
  const stack: Array<{ value: unknown; root: boolean }> = [{ value, root: true }];
  while (stack.length > 0) {
    const { value: current, root } = stack.pop()!;
    if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, root: false });
    } else if (isObject(current)) {
      for (const [key, item] of Object.entries(current)) {
        if (key === '$ref' && typeof item === 'string') refs.push(item);
        if (key === '$id' && !root) nestedId = true;
        if (key === '$dynamicRef' || key === '$recursiveRef') dynamic = true;
        stack.push({ value: item, root: false });
      }
    }
  }
  return { refs, nestedId, dynamic };
}
