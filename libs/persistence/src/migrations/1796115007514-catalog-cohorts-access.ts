import { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogCohortsAccess1796115007514 implements MigrationInterface {
  name = 'CatalogCohortsAccess1796115007514';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "imagora"."cohorts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "query" jsonb NOT NULL, "instances" integer NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_fd38f76b135e907b834fda1e752" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "cohorts_owner_idx" ON "imagora"."cohorts"  ("owner_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "imagora"."cohort_members" ("cohort_id" uuid NOT NULL, "version_id" uuid NOT NULL, "path" text NOT NULL, CONSTRAINT "PK_2c1374f19d7d561087b332ea09b" PRIMARY KEY ("cohort_id", "version_id", "path"))`);
    await queryRunner.query(`CREATE TABLE "imagora"."agreement_acceptances" ("dataset_id" uuid NOT NULL, "user_id" uuid NOT NULL, "agreement_sha256" text NOT NULL, "accepted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_ae2578a214a58056f3b6ab2e98d" PRIMARY KEY ("dataset_id", "user_id"))`);
    await queryRunner.query(`CREATE TABLE "imagora"."access_requests" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dataset_id" uuid NOT NULL, "user_id" uuid NOT NULL, "state" text NOT NULL, "purpose" text NOT NULL, "decision_reason" text, "decided_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f89e51c15e3dbea13aa248fe128" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "access_requests_user_idx" ON "imagora"."access_requests"  ("user_id", "dataset_id") `);
    await queryRunner.query(`CREATE INDEX "access_requests_dataset_state_idx" ON "imagora"."access_requests"  ("dataset_id", "state") `);
    await queryRunner.query(`CREATE INDEX "catalog_instances_sex_age_idx" ON "imagora"."catalog_instances"  ("sex", "age_years") `);
    await queryRunner.query(`CREATE INDEX "catalog_instances_manufacturer_idx" ON "imagora"."catalog_instances"  ("manufacturer") `);
    await queryRunner.query(`CREATE INDEX "catalog_instances_body_part_idx" ON "imagora"."catalog_instances"  ("body_part") `);
    await queryRunner.query(`CREATE INDEX "catalog_instances_dataset_idx" ON "imagora"."catalog_instances"  ("dataset_id", "version_id") `);
    await queryRunner.query(`ALTER TABLE "imagora"."cohorts" ADD CONSTRAINT "cohorts_owner_fk" FOREIGN KEY ("owner_id") REFERENCES "imagora"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."cohort_members" ADD CONSTRAINT "cohort_members_cohort_fk" FOREIGN KEY ("cohort_id") REFERENCES "imagora"."cohorts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."agreement_acceptances" ADD CONSTRAINT "agreement_acceptances_dataset_fk" FOREIGN KEY ("dataset_id") REFERENCES "imagora"."datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."agreement_acceptances" ADD CONSTRAINT "agreement_acceptances_user_fk" FOREIGN KEY ("user_id") REFERENCES "imagora"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."access_requests" ADD CONSTRAINT "access_requests_dataset_fk" FOREIGN KEY ("dataset_id") REFERENCES "imagora"."datasets"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."access_requests" ADD CONSTRAINT "access_requests_user_fk" FOREIGN KEY ("user_id") REFERENCES "imagora"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Written by hand (entities mark them synchronize: false): a GIN index for label filters and full-text search.
    await queryRunner.query(`CREATE INDEX "catalog_instances_labels_idx" ON "imagora"."catalog_instances" USING gin ("labels")`);
    await queryRunner.query(`CREATE INDEX "datasets_text_idx" ON "imagora"."datasets" USING gin (to_tsvector('simple', "title" || ' ' || "description"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "imagora"."datasets_text_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_labels_idx"`);
    await queryRunner.query(`ALTER TABLE "imagora"."access_requests" DROP CONSTRAINT "access_requests_user_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."access_requests" DROP CONSTRAINT "access_requests_dataset_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."agreement_acceptances" DROP CONSTRAINT "agreement_acceptances_user_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."agreement_acceptances" DROP CONSTRAINT "agreement_acceptances_dataset_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."cohort_members" DROP CONSTRAINT "cohort_members_cohort_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."cohorts" DROP CONSTRAINT "cohorts_owner_fk"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_dataset_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_body_part_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_manufacturer_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_sex_age_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."access_requests_dataset_state_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."access_requests_user_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."access_requests"`);
    await queryRunner.query(`DROP TABLE "imagora"."agreement_acceptances"`);
    await queryRunner.query(`DROP TABLE "imagora"."cohort_members"`);
    await queryRunner.query(`DROP INDEX "imagora"."cohorts_owner_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."cohorts"`);
  }
}
