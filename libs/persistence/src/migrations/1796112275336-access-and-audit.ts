import { MigrationInterface, QueryRunner } from 'typeorm';

export class AccessAndAudit1796112275336 implements MigrationInterface {
  name = 'AccessAndAudit1796112275336';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "imagora"."users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" text NOT NULL, "display_name" text NOT NULL, "password_hash" text NOT NULL, "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "users_username_key" ON "imagora"."users"  ("username") `);
    await queryRunner.query(`CREATE TABLE "imagora"."api_keys" ("id" text NOT NULL, "user_id" uuid NOT NULL, "name" text NOT NULL, "secret_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "api_keys_user_idx" ON "imagora"."api_keys"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "imagora"."audit_events" ("sequence" bigint NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_user_id" uuid, "action" text NOT NULL, "target_type" text, "target_id" text, "details" jsonb NOT NULL DEFAULT '{}', "remote_address" text, "previous_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "PK_f56d97c399750ed8e6a6fd3023b" PRIMARY KEY ("sequence"))`);
    await queryRunner.query(`CREATE INDEX "audit_events_target_idx" ON "imagora"."audit_events"  ("target_type", "target_id") `);
    await queryRunner.query(`CREATE INDEX "audit_events_actor_idx" ON "imagora"."audit_events"  ("actor_user_id", "occurred_at") `);
    await queryRunner.query(`CREATE TABLE "imagora"."organizations" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "is_root" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "organizations_single_root_key" ON "imagora"."organizations"  ("is_root") WHERE "is_root"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "organizations_slug_key" ON "imagora"."organizations"  ("slug") `);
    await queryRunner.query(`CREATE TABLE "imagora"."memberships" ("user_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "role" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d88770a63af5b1398f2f6fd19ed" PRIMARY KEY ("user_id", "organization_id", "role"))`);
    await queryRunner.query(`CREATE INDEX "memberships_organization_idx" ON "imagora"."memberships"  ("organization_id") `);
    await queryRunner.query(`ALTER TABLE "imagora"."api_keys" ADD CONSTRAINT "api_keys_user_fk" FOREIGN KEY ("user_id") REFERENCES "imagora"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."memberships" ADD CONSTRAINT "memberships_user_fk" FOREIGN KEY ("user_id") REFERENCES "imagora"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "imagora"."memberships" ADD CONSTRAINT "memberships_organization_fk" FOREIGN KEY ("organization_id") REFERENCES "imagora"."organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // Written by hand: the audit log is append-only for every database role, the hub's own included.
    await queryRunner.query(`CREATE FUNCTION "imagora"."audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'imagora.audit_events is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`);
    await queryRunner.query(`CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "imagora"."audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "imagora"."audit_events_refuse_change"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_append_only" ON "imagora"."audit_events"`);
    await queryRunner.query(`DROP FUNCTION "imagora"."audit_events_refuse_change"()`);
    await queryRunner.query(`ALTER TABLE "imagora"."memberships" DROP CONSTRAINT "memberships_organization_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."memberships" DROP CONSTRAINT "memberships_user_fk"`);
    await queryRunner.query(`ALTER TABLE "imagora"."api_keys" DROP CONSTRAINT "api_keys_user_fk"`);
    await queryRunner.query(`DROP INDEX "imagora"."memberships_organization_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."memberships"`);
    await queryRunner.query(`DROP INDEX "imagora"."organizations_slug_key"`);
    await queryRunner.query(`DROP INDEX "imagora"."organizations_single_root_key"`);
    await queryRunner.query(`DROP TABLE "imagora"."organizations"`);
    await queryRunner.query(`DROP INDEX "imagora"."audit_events_actor_idx"`);
    await queryRunner.query(`DROP INDEX "imagora"."audit_events_target_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."audit_events"`);
    await queryRunner.query(`DROP INDEX "imagora"."api_keys_user_idx"`);
    await queryRunner.query(`DROP TABLE "imagora"."api_keys"`);
    await queryRunner.query(`DROP INDEX "imagora"."users_username_key"`);
    await queryRunner.query(`DROP TABLE "imagora"."users"`);
  }
}
