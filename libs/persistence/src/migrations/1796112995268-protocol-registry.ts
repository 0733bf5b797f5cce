import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProtocolRegistry1796112995268 implements MigrationInterface {
  name = 'ProtocolRegistry1796112995268';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "imagora"."protocols" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "title" text NOT NULL, "organization_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_69900eec42c88582ac8affff3e1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "protocols_name_key" ON "imagora"."protocols"  ("name") `);
    await queryRunner.query(`CREATE TABLE "imagora"."protocol_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "protocol_id" uuid NOT NULL, "version" text NOT NULL, "status" text NOT NULL, "document_text" text NOT NULL, "sha256" text NOT NULL, "created_by" uuid, "editors" uuid array NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "submitted_at" TIMESTAMP WITH TIME ZONE, "published_at" TIMESTAMP WITH TIME ZONE, "published_by" uuid, "deprecated_at" TIMESTAMP WITH TIME ZONE, "deprecation_reason" text, "replacement" text, "signature" text, CONSTRAINT "PK_c63c5f6cfa4f43a2cb6e10c49f1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "protocol_versions_protocol_version_key" ON "imagora"."protocol_versions"  ("protocol_id", "version") `);
    await queryRunner.query(`CREATE TABLE "imagora"."protocol_reviews" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version_id" uuid NOT NULL, "reviewer_id" uuid NOT NULL, "decision" text NOT NULL, "comment" text, "sha256" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d51e2323b23b0218808d9a147c6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "protocol_reviews_version_idx" ON "imagora"."protocol_reviews"  ("version_id", "created_at") `);
    await queryRunner.query(`ALTER TABLE "imagora"."protocols" ADD CONSTRAINT "protocols_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "imagora"."organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_versions" ADD CONSTRAINT "protocol_versions_protocol_fk" FOREIGN KEY ("protocol_id") REFERENCES "imagora"."protocols"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_versions" ADD CONSTRAINT "protocol_versions_publisher_fk" FOREIGN KEY ("published_by") REFERENCES "imagora"."users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_reviews" ADD CONSTRAINT "protocol_reviews_version_fk" FOREIGN KEY ("version_id") REFERENCES "imagora"."protocol_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_reviews" ADD CONSTRAINT "protocol_reviews_reviewer_fk" FOREIGN KEY ("reviewer_id") REFERENCES "imagora"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Written by hand: the database itself refuses to change or delete a published version.
    await queryRunner.query(`CREATE FUNCTION "imagora"."protocol_versions_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status IN ('published', 'deprecated') THEN RAISE EXCEPTION 'published protocol versions cannot be deleted'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.status IN ('published', 'deprecated') AND (
       NEW.document_text IS DISTINCT FROM OLD.document_text OR NEW.sha256 IS DISTINCT FROM OLD.sha256
    OR NEW.version IS DISTINCT FROM OLD.version OR NEW.protocol_id IS DISTINCT FROM OLD.protocol_id
    OR NEW.signature IS DISTINCT FROM OLD.signature OR NEW.published_at IS DISTINCT FROM OLD.published_at
    OR NEW.status NOT IN ('published', 'deprecated') OR (OLD.status = 'deprecated' AND NEW.status <> 'deprecated')) THEN
    RAISE EXCEPTION 'published protocol versions are immutable';
  END IF;
  RETURN NEW;
END $$`);
    await queryRunner.query(`CREATE TRIGGER "protocol_versions_immutable" BEFORE UPDATE OR DELETE ON "imagora"."protocol_versions" FOR EACH ROW EXECUTE FUNCTION "imagora"."protocol_versions_guard"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "protocol_versions_immutable" ON "imagora"."protocol_versions"`);
    await queryRunner.query(`DROP FUNCTION "imagora"."protocol_versions_guard"()`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_reviews" DROP CONSTRAINT "protocol_reviews_reviewer_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_reviews" DROP CONSTRAINT "protocol_reviews_version_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_versions" DROP CONSTRAINT "protocol_versions_publisher_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocol_versions" DROP CONSTRAINT "protocol_versions_protocol_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."protocols" DROP CONSTRAINT "protocols_organization_fk"`);
    await queryRunner.query(`DROP INDEX "imagora"."protocol_reviews_version_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."protocol_reviews"`);
    await queryRunner.query(`DROP INDEX "imagora"."protocol_versions_protocol_version_key"`);
    await queryRunner.query(`DROP TABLE "imagora"."protocol_versions"`);
    await queryRunner.query(`DROP INDEX "imagora"."protocols_name_key"`);
    await queryRunner.query(`DROP TABLE "imagora"."protocols"`);
  }
}
