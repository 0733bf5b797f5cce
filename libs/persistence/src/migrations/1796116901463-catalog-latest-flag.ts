import { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogLatestFlag1796116901463 implements MigrationInterface {
  name = 'CatalogLatestFlag1796116901463';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imagora"."catalog_instances" ADD "is_latest" boolean NOT NULL DEFAULT false`);
    // Rows released before the flag existed: those of each dataset's highest version number.
    await queryRunner.query(
      `UPDATE "imagora"."catalog_instances" ci SET "is_latest" = true FROM (SELECT DISTINCT ON (dataset_id) id FROM "imagora"."dataset_versions" ORDER BY dataset_id, number DESC) latest WHERE ci."version_id" = latest.id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imagora"."catalog_instances" DROP COLUMN "is_latest"`);
  }
}
