import { MigrationInterface, QueryRunner } from 'typeorm';

export class StreamedRelease1796130747651 implements MigrationInterface {
  name = 'StreamedRelease1796130747651';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "imagora"."submission_label_counts" ("file_id" uuid NOT NULL, "sop_instance_uid" text NOT NULL, "label" text NOT NULL, "submission_id" uuid NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_6ddc13aecfa9fa2540b2e378a10" PRIMARY KEY ("file_id", "sop_instance_uid", "label"))`);
    await queryRunner.query(`CREATE INDEX "submission_label_counts_instance_idx" ON "imagora"."submission_label_counts"  ("submission_id", "sop_instance_uid") `);
    await queryRunner.query(`DROP INDEX "imagora"."submission_files_submission_path_key"`);
    await queryRunner.query(`ALTER TABLE "imagora"."submission_files" ALTER COLUMN "path" TYPE text COLLATE "C"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "submission_files_submission_path_key" ON "imagora"."submission_files"  ("submission_id", "path") `);
    await queryRunner.query(`ALTER TABLE "imagora"."submission_label_counts" ADD CONSTRAINT "submission_label_counts_file_fk" FOREIGN KEY ("file_id") REFERENCES "imagora"."submission_files"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "imagora"."submission_label_counts" DROP CONSTRAINT "submission_label_counts_file_fk"`);
    await queryRunner.query(`DROP INDEX "imagora"."submission_files_submission_path_key"`);
    await queryRunner.query(`ALTER TABLE "imagora"."submission_files" ALTER COLUMN "path" TYPE text COLLATE pg_catalog."default"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "submission_files_submission_path_key" ON "imagora"."submission_files" USING btree ("submission_id", "path") `);
    await queryRunner.query(`DROP INDEX "imagora"."submission_label_counts_instance_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."submission_label_counts"`);
  }
}
