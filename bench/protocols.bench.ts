// npm run bench:protocols — annotation records/s through libs/protocols versus bare ajv with the
// same options on the same records in the same run (goal: at least 0.9 of bare ajv), and the
// compile time of each shipped protocol.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnnotationAjv, dialectOf, lintProtocolDocument, ProtocolValidatorCache, sortVersions, type ProtocolDocument } from '@imagora/protocols';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const INVALID_SHARE = 0.05;

const repo = [join(__dirname, '..'), join(__dirname, '..', '..')].find((dir) => existsSync(join(dir, 'protocols')) && existsSync(join(dir, 'package.json')))!;

function latestVersions(): ProtocolDocument[] {
  const root = join(repo, 'protocols');
  return readdirSync(root).map((name) => {
    const versions = sortVersions(readdirSync(join(root, name)).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -5)));
    return JSON.parse(readFileSync(join(root, name, `${versions.at(-1)}.json`), 'utf8')) as ProtocolDocument;
  });
}

// mulberry32: the same records on every run.
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uid = (next: () => number) => `1.2.826.0.1.3680043.10.1010.${Math.floor(next() * 1e9)}.${Math.floor(next() * 1e6)}`;
const int = (next: () => number, low: number, high: number) => low + Math.floor(next() * (high - low + 1));
const outline = (next: () => number, points: number) => Array.from({ length: points * 2 }, () => int(next, 0, 511));

// Records shaped like each shipped protocol's annotation schema; a few are made invalid.
const FACTORIES: Record<string, (next: () => number) => Record<string, unknown>> = {
  'lidc-lung-nodule-ct': (next) => ({
    image: { sopInstanceUid: uid(next) },
    label: 'nodule',
    reader: { id: `reader-${int(next, 1, 4)}` },
    noduleId: `Nodule ${int(next, 1, 9)}`,
    characteristics: {
      subtlety: int(next, 1, 5), internalStructure: int(next, 1, 4), calcification: int(next, 1, 6), sphericity: int(next, 1, 5),
      margin: int(next, 1, 5), lobulation: int(next, 1, 5), spiculation: int(next, 1, 5), texture: int(next, 1, 5), malignancy: int(next, 1, 5),
    },
    coordinates: outline(next, int(next, 8, 40)),
    inclusion: next() < 0.9,
    imageZPosition: -int(next, 10, 300) - 0.5,
  }),
  'rsna-pneumonia-cxr': (next) => {
    const x = int(next, 0, 700);
    const y = int(next, 0, 700);
    return { image: { sopInstanceUid: uid(next) }, label: 'pneumonia', coordinates: [x, y, x + int(next, 50, 300), y + int(next, 50, 300)], confidence: next() };
  },
  'birads-mammography': (next) => ({
    image: { sopInstanceUid: uid(next), frame: int(next, 1, 60) },
    label: 'mass',
    laterality: next() < 0.5 ? 'L' : 'R',
    assessment: 4,
    assessmentSubcategory: ['4A', '4B', '4C'][int(next, 0, 2)],
    breastDensity: ['a', 'b', 'c', 'd'][int(next, 0, 3)],
    coordinates: outline(next, int(next, 6, 24)),
  }),
};

function spoil(record: Record<string, unknown>, next: () => number): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  if (next() < 0.5) copy.label = 'unknown-label';
  else delete copy.image;
  return copy;
}

function measure(records: readonly unknown[], validate: (record: unknown) => boolean): number {
  let valid = 0;
  const started = process.hrtime.bigint();
  for (let index = 0; index < records.length; index++) if (validate(records[index])) valid++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (valid === 0) throw new Error('no record validated: the benchmark would measure the error path only');
  return records.length / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const documents = latestVersions();
  console.log(`node ${process.version}, ${RECORDS} records per protocol, ${ROUNDS} interleaved rounds, ${INVALID_SHARE * 100}% invalid\n`);
  console.log('compile time (fresh cache, lint + compile) per shipped protocol:');
  for (const document of documents) {
    const started = performance.now();
    const lint = lintProtocolDocument(document);
    const lintMs = performance.now() - started;
    const validator = new ProtocolValidatorCache().get(document);
    if (!lint.ok) throw new Error(`${document.name} does not lint`);
    console.log(`  ${document.name}@${document.version}: lint+compile ${lintMs.toFixed(1)} ms, ajv compile ${validator.compileMs.toFixed(1)} ms`);
  }

  console.log('\nvalidation throughput (median of rounds):');
  let totalOurs = 0;
  let totalBare = 0;
  for (const document of documents) {
    const factory = FACTORIES[document.name];
    if (!factory) throw new Error(`no record factory for ${document.name}`);
    const next = random(42);
    const records = Array.from({ length: RECORDS }, () => (next() < INVALID_SHARE ? spoil(factory(next), next) : factory(next)));
    const validator = new ProtocolValidatorCache().get(document);
    const bare = createAnnotationAjv(dialectOf(document.annotation)!).compile(document.annotation as object);
    const ours = (record: unknown) => validator.validateRecord(record).valid;
    const bareValidate = (record: unknown) => bare(record);
    for (let warm = 0; warm < 2; warm++) {
      measure(records, ours);
      measure(records, bareValidate);
    }
    const oursRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so neither side always runs on a warmer cache.
      if (round % 2 === 0) {
        oursRates.push(measure(records, ours));
        bareRates.push(measure(records, bareValidate));
      } else {
        bareRates.push(measure(records, bareValidate));
        oursRates.push(measure(records, ours));
      }
    }
    const oursRate = median(oursRates);
    const bareRate = median(bareRates);
    totalOurs += RECORDS / oursRate;
    totalBare += RECORDS / bareRate;
    console.log(
      `  ${document.name}@${document.version}: libs/protocols ${Math.round(oursRate).toLocaleString('en')} records/s, bare ajv ${Math.round(bareRate).toLocaleString('en')} records/s, ratio ${(oursRate / bareRate).toFixed(3)}`,
    );
  }
  const ratio = totalBare / totalOurs;
  console.log(`\noverall (time-weighted) ratio libs/protocols / bare ajv: ${ratio.toFixed(3)} (goal >= 0.9)`);
  if (ratio < 0.9) process.exitCode = 1;
}

main();
