import { MigrationInterface, QueryRunner } from 'typeorm';

// Versions released before the facet counts existed: a copy of versionFacetsSql as it was when this migration was
// written (a migration must not change when the release code later does), then the latest versions' flag.
const BACKFILL = [
  `insert into imagora.catalog_version_facets (version_id, dataset_id, dimension, value, instances, series, studies) select ci.version_id, ci.dataset_id, f.dimension, f.value, count(*)::int, count(distinct coalesce(ci.series_instance_uid, ci.path))::int, count(distinct coalesce(ci.study_instance_uid, ci.path))::int from imagora.catalog_instances ci cross join lateral (values ('', ''), ('modality', coalesce(ci.modality, '(unknown)')), ('bodyPart', coalesce(ci.body_part, '(unknown)')), ('sex', coalesce(ci.sex, '(unknown)')), ('ageBand', case when ci.age_years is null then '(unknown)' when ci.age_years < 18 then '0-17' when ci.age_years < 30 then '18-29' when ci.age_years >= 80 then '80+' else (ci.age_years / 10 * 10)::text || '-' || (ci.age_years / 10 * 10 + 9)::text end), ('manufacturer', coalesce(ci.manufacturer, '(unknown)'))) as f(dimension, value) where ci.version_id in (select id from imagora.dataset_versions) group by 1, 2, 3, 4 union all select ci.version_id, ci.dataset_id, 'label', l.key, count(*)::int, count(distinct coalesce(ci.series_instance_uid, ci.path))::int, count(distinct coalesce(ci.study_instance_uid, ci.path))::int from imagora.catalog_instances ci cross join lateral jsonb_object_keys(ci.labels) as l(key) where ci.version_id in (select id from imagora.dataset_versions) group by 1, 2, 3, 4`,
  `update imagora.catalog_version_facets c set is_latest = true from (select distinct on (dataset_id) id from imagora.dataset_versions order by dataset_id, number desc) latest where c.version_id = latest.id`,
];

export class CatalogVersionFacets1796124967440 implements MigrationInterface {
  name = 'CatalogVersionFacets1796124967440';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "imagora"."catalog_version_facets" ("version_id" uuid NOT NULL, "dimension" text NOT NULL, "value" text NOT NULL, "dataset_id" uuid NOT NULL, "is_latest" boolean NOT NULL DEFAULT false, "instances" integer NOT NULL, "series" integer NOT NULL, "studies" integer NOT NULL, CONSTRAINT "PK_8d01689a69fe4aefcfb180e8d1d" PRIMARY KEY ("version_id", "dimension", "value"))`);
    await queryRunner.query(`CREATE INDEX "catalog_version_facets_dataset_idx" ON "imagora"."catalog_version_facets"  ("dataset_id", "version_id") `);
    await queryRunner.query(`ALTER TABLE "imagora"."catalog_version_facets" ADD CONSTRAINT "catalog_version_facets_version_fk" FOREIGN KEY ("version_id") REFERENCES "imagora"."dataset_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    for (const statement of BACKFILL) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imagora"."catalog_version_facets" DROP CONSTRAINT "catalog_version_facets_version_fk"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_version_facets_dataset_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."catalog_version_facets"`);
  }
}
