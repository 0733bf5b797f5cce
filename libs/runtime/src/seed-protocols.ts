import { TypeormOrganizationRepository } from '@imagora/persistence';
import { readProtocolFolder } from './registry-use-cases';
import { Runtime } from './runtime';
import { shippedProtocolsDir } from './version';

/** First start: an empty registry gets the shipped real-world protocols, published by the root organization. */
export async function seedProtocols(runtime: Runtime): Promise<string[]> {
  const { registry, dataSource, config } = runtime;
  if ((await registry.read.list(undefined)).length > 0) return [];
  const root = await new TypeormOrganizationRepository(dataSource).findRoot();
  if (!root) throw new Error('the root organization must exist before protocols are seeded');
  let documents: ReturnType<typeof readProtocolFolder>;
  try {
    documents = readProtocolFolder(config.seedProtocolsDir ?? shippedProtocolsDir());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return registry.author.seed(root.id, documents);
}
