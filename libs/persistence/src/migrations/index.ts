import { MigrationInterface } from 'typeorm';
import { AccessAndAudit1796112275336 } from './1796112275336-access-and-audit';
import { ProtocolRegistry1796112995268 } from './1796112995268-protocol-registry';
import { DatasetsAndSubmissions1796114009043 } from './1796114009043-datasets-and-submissions';
import { CatalogCohortsAccess1796115007514 } from './1796115007514-catalog-cohorts-access';
import { CatalogLatestFlag1796116901463 } from './1796116901463-catalog-latest-flag';
import { CatalogSummaries1796125386721 } from './1796125386721-catalog-summaries';
import { StreamedRelease1796130747651 } from './1796130747651-streamed-release';

// Listed explicitly (no glob): a stray compiled .js next to a .ts can never be picked up twice.
export const MIGRATIONS: Array<new () => MigrationInterface> = [AccessAndAudit1796112275336, ProtocolRegistry1796112995268, DatasetsAndSubmissions1796114009043, CatalogCohortsAccess1796115007514, CatalogLatestFlag1796116901463, CatalogSummaries1796125386721, StreamedRelease1796130747651];
