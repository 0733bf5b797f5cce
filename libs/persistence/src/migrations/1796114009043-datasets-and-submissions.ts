import { MigrationInterface, QueryRunner } from 'typeorm';

export class DatasetsAndSubmissions1796114009043 implements MigrationInterface {
  name = 'DatasetsAndSubmissions1796114009043';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "imagora"."datasets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organization_id" uuid NOT NULL, "slug" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "license" text NOT NULL, "access_policy" text NOT NULL, "data_use_agreement" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1bf831e43c559a240303e23d038" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "datasets_organization_slug_key" ON "imagora"."datasets"  ("organization_id", "slug") `);
    await queryRunner.query(`CREATE TABLE "imagora"."dataset_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dataset_id" uuid NOT NULL, "number" integer NOT NULL, "protocol" text NOT NULL, "manifest_sha256" text NOT NULL, "manifest_key" text NOT NULL, "files" integer NOT NULL, "bytes" bigint NOT NULL, "submission_id" uuid NOT NULL, "released_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_2335c164f3df47dabfe7d0fc6e5" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "dataset_versions_submission_key" ON "imagora"."dataset_versions"  ("submission_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "dataset_versions_dataset_number_key" ON "imagora"."dataset_versions"  ("dataset_id", "number") `);
    await queryRunner.query(`CREATE TABLE "imagora"."catalog_instances" ("version_id" uuid NOT NULL, "path" text NOT NULL, "dataset_id" uuid NOT NULL, "sha256" text NOT NULL, "study_instance_uid" text, "series_instance_uid" text, "sop_instance_uid" text, "sop_class_uid" text, "modality" text, "body_part" text, "manufacturer" text, "manufacturer_model" text, "sex" text, "age" text, "age_years" integer, "slice_thickness" double precision, "rows" integer, "columns" integer, "frames" integer, "transfer_syntax" text, "labels" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_6b2cf527b1defb9bf0d8870b4c5" PRIMARY KEY ("version_id", "path"))`);
    await queryRunner.query(`CREATE INDEX "catalog_instances_modality_idx" ON "imagora"."catalog_instances"  ("modality") `);
    await queryRunner.query(`CREATE INDEX "catalog_instances_study_idx" ON "imagora"."catalog_instances"  ("study_instance_uid") `);
    await queryRunner.query(`CREATE INDEX "catalog_instances_series_idx" ON "imagora"."catalog_instances"  ("series_instance_uid") `);
    await queryRunner.query(`CREATE TABLE "imagora"."dataset_version_files" ("version_id" uuid NOT NULL, "path" text NOT NULL, "sha256" text NOT NULL, "size" bigint NOT NULL, "media_type" text NOT NULL, "sop_instance_uid" text, CONSTRAINT "PK_e7f20ddee514fb85b393d1d4265" PRIMARY KEY ("version_id", "path"))`);
    await queryRunner.query(`CREATE INDEX "dataset_version_files_sha256_idx" ON "imagora"."dataset_version_files"  ("sha256") `);
    await queryRunner.query(`CREATE TABLE "imagora"."submissions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "dataset_id" uuid NOT NULL, "protocol_name" text NOT NULL, "protocol_version" text NOT NULL, "state" text NOT NULL, "failed_state" text, "failure_reason" text, "deid_local" boolean NOT NULL DEFAULT false, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "validation_report" jsonb, "deid_report" jsonb, "review_reason" text, "reviewed_by" uuid, "released_version" integer, CONSTRAINT "PK_10b3be95b8b2fb1e482e07d706b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "submissions_state_idx" ON "imagora"."submissions"  ("state") `);
    await queryRunner.query(`CREATE INDEX "submissions_dataset_idx" ON "imagora"."submissions"  ("dataset_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "imagora"."submission_events" ("id" BIGSERIAL NOT NULL, "submission_id" uuid NOT NULL, "from_state" text, "to_state" text NOT NULL, "actor_user_id" uuid, "reason" text, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9d543c147bfdb64e11af9f09c83" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "submission_events_submission_idx" ON "imagora"."submission_events"  ("submission_id", "id") `);
    await queryRunner.query(`CREATE TABLE "imagora"."submission_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "submission_id" uuid NOT NULL, "path" text NOT NULL, "size" bigint NOT NULL, "sha256" text NOT NULL, "kind" text NOT NULL, "state" text NOT NULL, "quarantine_key" text NOT NULL, "multipart_upload_id" text, "output_key" text, "output_sha256" text, "output_size" bigint, "media_type" text, "sop_instance_uid" text, "catalog" jsonb, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5a50c4ff6bd91c77fe659c86b6f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "submission_files_multipart_idx" ON "imagora"."submission_files"  ("updated_at") WHERE "multipart_upload_id" IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "submission_files_submission_path_key" ON "imagora"."submission_files"  ("submission_id", "path") `);
    await queryRunner.query(`ALTER TABLE "imagora"."datasets" ADD CONSTRAINT "datasets_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "imagora"."organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."dataset_versions" ADD CONSTRAINT "dataset_versions_dataset_fk" FOREIGN KEY ("dataset_id") REFERENCES "imagora"."datasets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."catalog_instances" ADD CONSTRAINT "catalog_instances_version_fk" FOREIGN KEY ("version_id") REFERENCES "imagora"."dataset_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."dataset_version_files" ADD CONSTRAINT "dataset_version_files_version_fk" FOREIGN KEY ("version_id") REFERENCES "imagora"."dataset_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."submissions" ADD CONSTRAINT "submissions_dataset_fk" FOREIGN KEY ("dataset_id") REFERENCES "imagora"."datasets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."submission_events" ADD CONSTRAINT "submission_events_submission_fk" FOREIGN KEY ("submission_id") REFERENCES "imagora"."submissions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."submission_files" ADD CONSTRAINT "submission_files_submission_fk" FOREIGN KEY ("submission_id") REFERENCES "imagora"."submissions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imagora"."submission_files" DROP CONSTRAINT "submission_files_submission_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."submission_events" DROP CONSTRAINT "submission_events_submission_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."submissions" DROP CONSTRAINT "submissions_dataset_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."dataset_version_files" DROP CONSTRAINT "dataset_version_files_version_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."catalog_instances" DROP CONSTRAINT "catalog_instances_version_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."dataset_versions" DROP CONSTRAINT "dataset_versions_dataset_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."datasets" DROP CONSTRAINT "datasets_organization_fk"`);
    await queryRunner.query(`DROP INDEX "imagora"."submission_files_submission_path_key"`);
    await queryRunner.query(`DROP INDEX "imagora"."submission_files_multipart_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."submission_files"`);
    await queryRunner.query(`DROP INDEX "imagora"."submission_events_submission_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."submission_events"`);
    await queryRunner.query(`DROP INDEX "imagora"."submissions_dataset_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."submissions_state_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."submissions"`);
    await queryRunner.query(`DROP INDEX "imagora"."dataset_version_files_sha256_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."dataset_version_files"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_series_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_study_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."catalog_instances_modality_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."catalog_instances"`);
    await queryRunner.query(`DROP INDEX "imagora"."dataset_versions_dataset_number_key"`);
    await queryRunner.query(`DROP INDEX "imagora"."dataset_versions_submission_key"`);
    await queryRunner.query(`DROP TABLE "imagora"."dataset_versions"`);
    await queryRunner.query(`DROP INDEX "imagora"."datasets_organization_slug_key"`);
    await queryRunner.query(`DROP TABLE "imagora"."datasets"`);
  }
}
