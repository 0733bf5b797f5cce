import { AuditLog, CohortsUseCase, DatasetAccessUseCase, SearchCatalogUseCase } from '@imagora/domain';
import { DataSource, TypeormAccessRepository, TypeormCatalogRepository, TypeormDatasetRepository } from '@imagora/persistence';
import { ObjectStore } from '@imagora/storage';
import { ImagoraConfig } from '@imagora/core';

export interface CatalogUseCases {
  search: SearchCatalogUseCase;
  access: DatasetAccessUseCase;
  cohorts: CohortsUseCase;
  repository: TypeormCatalogRepository;
}

export function composeCatalogUseCases(input: { dataSource: DataSource; objectStore: ObjectStore; auditLog: AuditLog; config: ImagoraConfig; hubUrl: string }): CatalogUseCases {
  const catalog = new TypeormCatalogRepository(input.dataSource);
  const datasets = new TypeormDatasetRepository(input.dataSource);
  const access = new DatasetAccessUseCase(datasets, new TypeormAccessRepository(input.dataSource), input.auditLog);
  return {
    search: new SearchCatalogUseCase(catalog, { countFloor: input.config.countFloor }),
    access,
    cohorts: new CohortsUseCase(catalog, datasets, access, input.objectStore, input.auditLog, {
      presignExpirySeconds: input.config.downloadUrlSeconds,
      zipMaxBytes: input.config.zipMaxBytes,
      hubUrl: input.hubUrl,
    }),
    repository: catalog,
  };
}
