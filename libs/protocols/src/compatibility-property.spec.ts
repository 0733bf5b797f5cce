import Ajv2020 from 'ajv/dist/2020';
import { checkCompatibility } from './compatibility-checker';
import type { JsonSchema } from './protocol-document';
import { generateInstance, seededRandom } from './testing/instance-generator';
import { protocolFixture } from './testing/protocol-fixtures';
import { mutateSchema, randomObjectSchema } from './testing/schema-mutator';

const PAIRS = 400;
const INSTANCES = 40;

interface Counterexample {
  readonly seed: number;
  readonly direction: string;
  readonly from: JsonSchema;
  readonly to: JsonSchema;
  readonly instance: unknown;
}

/**
 * Whenever the checker says "compatible in direction D", instances valid under the source schema
 * (old for BACKWARD, new for FORWARD), generated from it, must validate under the target schema.
 */
describe(`${checkCompatibility.name} (property)`, () => {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  const stats = { compatibleVerdicts: 0, instancesChecked: 0, incompatibleVerdicts: 0 };
  const counterexamples: Counterexample[] = [];

  beforeAll(() => {
    for (let seed = 1; seed <= PAIRS; seed++) {
      const random = seededRandom(seed);
      const oldSchema = randomObjectSchema(random);
      const newSchema = mutateSchema(oldSchema, random);
      const oldDoc = protocolFixture({ annotation: oldSchema });
      const newDoc = protocolFixture({ annotation: newSchema, version: '1.1.0' });
      for (const [direction, from, to] of [
        ['BACKWARD', oldSchema, newSchema],
        ['FORWARD', newSchema, oldSchema],
      ] as const) {
        if (!checkCompatibility(oldDoc, newDoc, direction).compatible) {
          stats.incompatibleVerdicts++;
          continue;
        }
        stats.compatibleVerdicts++;
        const validFrom = ajv.compile(from as object);
        const validTo = ajv.compile(to as object);
        for (let index = 0; index < INSTANCES; index++) {
          const instance = generateInstance(from, from, random);
          if (!validFrom(instance)) continue;
          stats.instancesChecked++;
          if (!validTo(instance)) counterexamples.push({ seed, direction, from, to, instance });
        }
      }
    }
  });

  it('finds no instance that contradicts a "compatible" verdict', () => {
    expect(counterexamples.slice(0, 3)).toEqual([]);
  });

  it('exercises many compatible verdicts and instances, so the property is not vacuous', () => {
    expect(stats.compatibleVerdicts).toBeGreaterThan(PAIRS / 4);
    expect(stats.instancesChecked).toBeGreaterThan(PAIRS * 5);
  });

  it('also sees incompatible verdicts, so the mutations are not all harmless', () => {
    expect(stats.incompatibleVerdicts).toBeGreaterThan(PAIRS / 4);
  });
});
