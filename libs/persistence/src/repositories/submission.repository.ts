import { DataSource, EntityManager, In, IsNull, LessThan, Not } from 'typeorm';
import {
  CatalogAttributes,
  LabelCount,
  NewSubmissionFile,
  ReleaseInput,
  Submission,
  SubmissionEvent,
  SubmissionFields,
  SubmissionFile,
  SubmissionRepository,
  SubmissionState,
} from '@imagora/domain';
import { summarizeDatasetCatalog } from './catalog-cells';
import { DatasetVersionEntity, SubmissionEntity, SubmissionEventEntity, SubmissionFileEntity, SubmissionLabelCountEntity } from '../entities';

const INSERT_BATCH = 1000;

/** A submission file a release publishes: one with a verified output (the alias is `sf`). */
const PUBLISHED = 'sf.output_key is not null and sf.output_sha256 is not null and sf.output_size is not null';

// PatientAge as PS3.5's AS value representation (nnnD, nnnW, nnnM or nnnY) in whole years; anything else is unknown.
const AGE = `btrim(sf.catalog ->> 'age')`;
const AGE_YEARS = `case when ${AGE} ~ '^[0-9]{3}[DWMY]$' then substr(${AGE}, 1, 3)::int / case right(${AGE}, 1) when 'D' then 365 when 'W' then 52 when 'M' then 12 else 1 end end`;

/**
 * A release's catalog rows, one per published DICOM file, from the attributes its de-identification recorded and the
 * label counts of the annotation files summed per instance. Written as the latest (a new version normally is) so
 * that markLatestVersion, which settles the flag under the dataset's lock in the same transaction, rewrites no row
 * of it unless a higher version got in first. $1 submission, $2 version, $3 dataset.
 */
const CATALOG_ROWS_SQL = `
  with per_label as (
    select sop_instance_uid, label, sum(count)::int as count from imagora.submission_label_counts where submission_id = $1 group by 1, 2
  ), labels as (
    select sop_instance_uid, jsonb_object_agg(label, count) as labels from per_label group by 1
  )
  insert into imagora.catalog_instances (version_id, dataset_id, is_latest, path, sha256, study_instance_uid, series_instance_uid, sop_instance_uid,
    sop_class_uid, modality, body_part, manufacturer, manufacturer_model, sex, age, age_years, slice_thickness, rows, columns, frames, transfer_syntax, labels)
  select $2, $3, true, sf.path, sf.output_sha256, sf.catalog ->> 'studyInstanceUid', sf.catalog ->> 'seriesInstanceUid', sf.catalog ->> 'sopInstanceUid',
    sf.catalog ->> 'sopClassUid', sf.catalog ->> 'modality', sf.catalog ->> 'bodyPart', sf.catalog ->> 'manufacturer', sf.catalog ->> 'manufacturerModel',
    sf.catalog ->> 'sex', sf.catalog ->> 'age', ${AGE_YEARS}, (sf.catalog ->> 'sliceThickness')::double precision, (sf.catalog ->> 'rows')::int,
    (sf.catalog ->> 'columns')::int, (sf.catalog ->> 'frames')::int, sf.catalog ->> 'transferSyntax', coalesce(labels.labels, '{}'::jsonb)
    from imagora.submission_files sf
    left join labels on labels.sop_instance_uid = sf.catalog ->> 'sopInstanceUid'
   where sf.submission_id = $1 and sf.kind = 'dicom' and sf.catalog is not null and ${PUBLISHED}`;

export class TypeormSubmissionRepository implements SubmissionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: { datasetId: string; protocolName: string; protocolVersion: string; deidLocal: boolean; createdBy: string }): Promise<Submission> {
    const id = await this.dataSource.transaction(async (manager) => {
      const saved = await manager.getRepository(SubmissionEntity).save(manager.getRepository(SubmissionEntity).create({ ...input, state: 'open' }));
      await manager.getRepository(SubmissionEventEntity).insert({ submissionId: saved.id, fromState: null, toState: 'open', actorUserId: input.createdBy, reason: null });
      return saved.id;
    });
    return (await this.findById(id))!;
  }

  async findById(id: string): Promise<Submission | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const row = await this.dataSource.getRepository(SubmissionEntity).findOne({ where: { id }, relations: { dataset: { organization: true } } });
    return row ? toSubmission(row) : undefined;
  }

  async list(filter: { organizationIds?: string[]; states?: SubmissionState[]; limit: number }): Promise<Submission[]> {
    const rows = await this.dataSource.getRepository(SubmissionEntity).find({
      where: {
        ...(filter.states ? { state: In(filter.states) } : {}),
        ...(filter.organizationIds ? { dataset: { organizationId: In(filter.organizationIds) } } : {}),
      },
      relations: { dataset: { organization: true } },
      order: { createdAt: 'DESC' },
      take: filter.limit,
    });
    return rows.map(toSubmission);
  }

  async transition(
    id: string,
    from: SubmissionState[],
    to: SubmissionState,
    event: { actorUserId: string | null; reason?: string | null },
    fields: SubmissionFields = {},
  ): Promise<Submission | undefined> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const rows = await manager.query(`select state from imagora.submissions where id = $1 for update`, [id]);
      if (rows.length === 0 || !from.includes(rows[0].state)) return false;
      await manager.getRepository(SubmissionEntity).update({ id }, { state: to, ...toColumns(fields) });
      await manager.getRepository(SubmissionEventEntity).insert({ submissionId: id, fromState: rows[0].state, toState: to, actorUserId: event.actorUserId, reason: event.reason ?? null });
      return true;
    });
    return changed ? this.findById(id) : undefined;
  }

  async update(id: string, fields: SubmissionFields): Promise<void> {
    await this.dataSource.getRepository(SubmissionEntity).update({ id }, toColumns(fields));
  }

  async events(id: string): Promise<SubmissionEvent[]> {
    const rows = await this.dataSource.getRepository(SubmissionEventEntity).find({ where: { submissionId: id }, order: { id: 'ASC' } });
    return rows.map((row) => ({ fromState: row.fromState as SubmissionState | null, toState: row.toState as SubmissionState, actorUserId: row.actorUserId, reason: row.reason, at: row.at }));
  }

  async registerFiles(submissionId: string, files: NewSubmissionFile[], quarantineKeyOf: (fileId: string) => string): Promise<{ files: SubmissionFile[]; conflicts: string[] }> {
    const repository = this.dataSource.getRepository(SubmissionFileEntity);
    for (let i = 0; i < files.length; i += INSERT_BATCH) {
      const batch = files.slice(i, i + INSERT_BATCH);
      // The quarantine key derives from the row id, which the database assigns: insert with a placeholder, then set it.
      await repository
        .createQueryBuilder()
        .insert()
        .values(batch.map((f) => ({ submissionId, path: f.path, size: String(f.size), sha256: f.sha256, kind: f.kind, state: 'registered', quarantineKey: '' })))
        .orIgnore()
        .execute();
    }
    const byPath = new Map(files.map((f) => [f.path, f]));
    const stored: SubmissionFile[] = [];
    const conflicts: string[] = [];
    const paths = [...byPath.keys()];
    for (let i = 0; i < paths.length; i += INSERT_BATCH) {
      const rows = await repository.find({ where: { submissionId, path: In(paths.slice(i, i + INSERT_BATCH)) } });
      for (const row of rows) {
        if (row.quarantineKey === '') {
          row.quarantineKey = quarantineKeyOf(row.id);
          await repository.update({ id: row.id }, { quarantineKey: row.quarantineKey });
        }
        const declared = byPath.get(row.path)!;
        if (Number(row.size) !== declared.size || row.sha256 !== declared.sha256) conflicts.push(row.path);
        stored.push(toFile(row));
      }
    }
    return { files: stored.sort((a, b) => (a.path < b.path ? -1 : 1)), conflicts };
  }

  async findFile(submissionId: string, fileId: string): Promise<SubmissionFile | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(fileId)) return undefined;
    const row = await this.dataSource.getRepository(SubmissionFileEntity).findOneBy({ submissionId, id: fileId });
    return row ? toFile(row) : undefined;
  }

  async filesPage(submissionId: string, afterPath: string | null, limit: number, which: 'all' | 'published' = 'all'): Promise<SubmissionFile[]> {
    const rows = await this.dataSource
      .getRepository(SubmissionFileEntity)
      .createQueryBuilder('sf')
      .where(`sf.submission_id = :submissionId${which === 'published' ? ` and ${PUBLISHED}` : ''}`, { submissionId })
      .andWhere(afterPath !== null ? 'sf.path > :afterPath' : 'true', { afterPath })
      .orderBy('sf.path', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(toFile);
  }

  async clearLabelCounts(fileId: string): Promise<void> {
    await this.dataSource.getRepository(SubmissionLabelCountEntity).delete({ fileId });
  }

  async addLabelCounts(submissionId: string, fileId: string, counts: LabelCount[]): Promise<void> {
    for (let i = 0; i < counts.length; i += INSERT_BATCH) {
      const batch = counts.slice(i, i + INSERT_BATCH);
      await this.dataSource.query(
        `insert into imagora.submission_label_counts (submission_id, file_id, sop_instance_uid, label, count)
         select $1, $2, pair.uid, pair.label, pair.count from unnest($3::text[], $4::text[], $5::int[]) as pair(uid, label, count)
         on conflict (file_id, sop_instance_uid, label) do update set count = submission_label_counts.count + excluded.count`,
        [submissionId, fileId, batch.map((c) => c.sopInstanceUid), batch.map((c) => c.label), batch.map((c) => c.count)],
      );
    }
  }

  async updateFile(fileId: string, fields: Parameters<SubmissionRepository['updateFile']>[1]): Promise<void> {
    const columns: Record<string, unknown> = { ...fields };
    if (fields.outputSize !== undefined) columns.outputSize = fields.outputSize === null ? null : String(fields.outputSize);
    await this.dataSource.getRepository(SubmissionFileEntity).update({ id: fileId }, columns);
  }

  async fileCounts(submissionId: string): Promise<Record<SubmissionFile['state'], number> & { total: number; bytes: number }> {
    const rows: Array<{ state: SubmissionFile['state']; files: string; bytes: string | null }> = await this.dataSource.query(
      `select state, count(*) as files, sum(size) as bytes from imagora.submission_files where submission_id = $1 group by state`,
      [submissionId],
    );
    const counts = { registered: 0, uploading: 0, stored: 0, total: 0, bytes: 0 };
    for (const row of rows) {
      counts[row.state] = Number(row.files);
      counts.total += Number(row.files);
      counts.bytes += Number(row.bytes ?? 0);
    }
    return counts;
  }

  async staleMultipartFiles(before: Date, limit: number): Promise<SubmissionFile[]> {
    const rows = await this.dataSource.getRepository(SubmissionFileEntity).find({ where: { multipartUploadId: Not(IsNull()), updatedAt: LessThan(before) }, take: limit });
    return rows.map(toFile);
  }

  async allocateVersionNumber(submissionId: string, datasetId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // One allocation per dataset at a time: concurrent publications never take the same number.
      await manager.query(`select pg_advisory_xact_lock(hashtext('dataset-version:' || $1))`, [datasetId]);
      const [row] = await manager.query(
        `update imagora.submissions
            set released_version = coalesce(released_version,
                  greatest(coalesce((select max(number) from imagora.dataset_versions where dataset_id = $2), 0),
                           coalesce((select max(released_version) from imagora.submissions where dataset_id = $2), 0)) + 1)
          where id = $1
          returning released_version`,
        [submissionId, datasetId],
      );
      return Number(row[0]?.released_version ?? row.released_version);
    });
  }

  async release(input: ReleaseInput): Promise<Submission | undefined> {
    const released = await this.dataSource.transaction(async (manager) => {
      const rows = await manager.query(`select state from imagora.submissions where id = $1 for update`, [input.submissionId]);
      if (rows.length === 0) return false;
      if (rows[0].state === 'released') return true;
      if (rows[0].state !== 'publishing') return false;
      const versionId = await this.insertVersion(manager, input);
      await manager.getRepository(SubmissionEntity).update({ id: input.submissionId }, { state: 'released', releasedVersion: input.number });
      await manager.getRepository(SubmissionEventEntity).insert({ submissionId: input.submissionId, fromState: 'publishing', toState: 'released', actorUserId: input.actorUserId, reason: `version ${input.number} (${versionId})` });
      return true;
    });
    return released ? this.findById(input.submissionId) : undefined;
  }

  private async insertVersion(manager: EntityManager, input: ReleaseInput): Promise<string> {
    const [totals] = await manager.query(
      `select count(*)::int as files, coalesce(sum(output_size), 0)::text as bytes from imagora.submission_files sf where sf.submission_id = $1 and ${PUBLISHED}`,
      [input.submissionId],
    );
    const saved = await manager.getRepository(DatasetVersionEntity).save(
      manager.getRepository(DatasetVersionEntity).create({
        datasetId: input.datasetId,
        number: input.number,
        protocol: input.protocol,
        manifestSha256: input.manifestSha256,
        manifestKey: input.manifestKey,
        files: totals.files,
        bytes: totals.bytes,
        submissionId: input.submissionId,
        releasedAt: new Date(),
      }),
    );
    // The same rows, in the same form, as the manifest the use case streamed from filesPage(…, 'published').
    await manager.query(
      `insert into imagora.dataset_version_files (version_id, path, sha256, size, media_type, sop_instance_uid)
       select $2, sf.path, sf.output_sha256, sf.output_size, coalesce(sf.media_type, $3::jsonb ->> sf.kind), sf.sop_instance_uid
         from imagora.submission_files sf where sf.submission_id = $1 and ${PUBLISHED}`,
      [input.submissionId, saved.id, JSON.stringify(input.mediaTypes)],
    );
    await manager.query(CATALOG_ROWS_SQL, [input.submissionId, saved.id, input.datasetId]);
    await manager.getRepository(SubmissionLabelCountEntity).delete({ submissionId: input.submissionId });
    await markLatestVersion(manager, input.datasetId);
    return saved.id;
  }
}

/**
 * Flags the catalog rows of the dataset's highest version number as the ones search reads (and unflags the rest).
 * Under the dataset's version lock, so concurrent releases of one dataset settle on the highest number whatever
 * order they commit in.
 */
export async function markLatestVersion(manager: EntityManager, datasetId: string): Promise<void> {
  await manager.query(`select pg_advisory_xact_lock(hashtext('dataset-version:' || $1))`, [datasetId]);
  const [latest] = await manager.query(`select id from imagora.dataset_versions where dataset_id = $1 order by number desc limit 1`, [datasetId]);
  if (!latest) return;
  await manager.query(`update imagora.catalog_instances ci set is_latest = (ci.version_id = $2) where ci.dataset_id = $1 and ci.is_latest is distinct from (ci.version_id = $2)`, [datasetId, latest.id]);
  await summarizeDatasetCatalog(manager, datasetId, latest.id);
}

function toColumns(fields: SubmissionFields): Record<string, unknown> {
  return { ...fields } as Record<string, unknown>;
}

function toSubmission(row: SubmissionEntity): Submission {
  return {
    id: row.id,
    datasetId: row.datasetId,
    organizationId: row.dataset!.organizationId,
    organizationSlug: row.dataset!.organization!.slug,
    datasetSlug: row.dataset!.slug,
    protocolName: row.protocolName,
    protocolVersion: row.protocolVersion,
    state: row.state as SubmissionState,
    failedState: row.failedState as SubmissionState | null,
    failureReason: row.failureReason,
    deidLocal: row.deidLocal,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    validationReport: row.validationReport,
    deidReport: row.deidReport as Submission['deidReport'],
    reviewReason: row.reviewReason,
    reviewedBy: row.reviewedBy,
    releasedVersion: row.releasedVersion,
  };
}

function toFile(row: SubmissionFileEntity): SubmissionFile {
  return {
    id: row.id,
    submissionId: row.submissionId,
    path: row.path,
    size: Number(row.size),
    sha256: row.sha256,
    kind: row.kind as SubmissionFile['kind'],
    state: row.state as SubmissionFile['state'],
    quarantineKey: row.quarantineKey,
    multipartUploadId: row.multipartUploadId,
    outputKey: row.outputKey,
    outputSha256: row.outputSha256,
    outputSize: row.outputSize === null ? null : Number(row.outputSize),
    mediaType: row.mediaType,
    sopInstanceUid: row.sopInstanceUid,
    catalog: row.catalog as CatalogAttributes | null,
    updatedAt: row.updatedAt,
  };
}
