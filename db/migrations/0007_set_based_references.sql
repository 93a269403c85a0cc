ALTER TABLE "receipts" DROP CONSTRAINT "receipts_service_services_code_fk";
--> statement-breakpoint
ALTER TABLE "receipts" DROP CONSTRAINT "receipts_channel_channels_code_fk";
--> statement-breakpoint
ALTER TABLE "matches" DROP CONSTRAINT "matches_settlement_line_id_settlement_lines_id_fk";
--> statement-breakpoint
ALTER TABLE "matches" DROP CONSTRAINT "matches_receipt_id_receipts_id_fk";
--> statement-breakpoint
ALTER TABLE "settlement_lines" DROP CONSTRAINT "settlement_lines_batch_id_settlement_batches_id_fk";
--> statement-breakpoint
ALTER TABLE "settlement_lines" DROP CONSTRAINT "settlement_lines_channel_channels_code_fk";
--> statement-breakpoint
-- The bulk tables' references (receipts → services, channels; settlement_lines → settlement_batches,
-- channels; matches → settlement_lines, receipts) are checked once per statement, with one anti-join
-- over the statement's transition table, instead of by a foreign-key trigger per row: a million-row
-- import paid more for those row triggers (and the row locks they take on the referenced rows) than
-- for writing the rows. Integrity holds for every writer all the same:
--  * an INSERT or UPDATE of a referencing table is refused (SQLSTATE 23503) when a value is missing;
--  * a DELETE from a referenced table is refused while a row refers to a deleted key; it first takes
--    a SHARE lock on the referencing tables, so it waits for writers in flight and then sees them;
--  * a key never changes, and TRUNCATE of a referenced table is refused while referencing rows exist.
-- Under READ COMMITTED (the default, and what the app uses) each check sees everything committed
-- before it. Under REPEATABLE READ or SERIALIZABLE a writer also locks the referenced rows FOR KEY
-- SHARE (so a concurrent delete surfaces as a serialization failure), and a delete is refused.
-- Arguments of ref_check_new_rows: (column, referenced table, referenced column) triples.
CREATE FUNCTION ref_check_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  i int := 0;
  unknown bigint;
  missing text;
BEGIN
  WHILE i < TG_NARGS LOOP
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      EXECUTE format('SELECT 1 FROM %4$I.%2$I r WHERE r.%3$I IN (SELECT n.%1$I FROM new_rows n) FOR KEY SHARE OF r', TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2], TG_TABLE_SCHEMA);
    END IF;
    -- A join the planner can run as one hash join (an anti-join with LIMIT 1 makes it probe the index once per row).
    EXECUTE format('SELECT count(n.%1$I) - count(r.%3$I) FROM new_rows n LEFT JOIN %4$I.%2$I r ON r.%3$I = n.%1$I', TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2], TG_TABLE_SCHEMA)
      INTO unknown;
    IF unknown > 0 THEN
      EXECUTE format('SELECT n.%1$I::text FROM new_rows n WHERE n.%1$I IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %4$I.%2$I r WHERE r.%3$I = n.%1$I) LIMIT 1',
        TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2], TG_TABLE_SCHEMA) INTO missing;
      RAISE EXCEPTION 'insert or update on table "%" violates the reference %.% → %.%', TG_TABLE_NAME, TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2]
        USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, COLUMN = TG_ARGV[i],
              DETAIL = format('Key (%s)=(%s) is not present in table "%s".', TG_ARGV[i], missing, TG_ARGV[i + 1]);
    END IF;
    i := i + 3;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Arguments of ref_refuse_orphans: the referenced column, then (referencing table, referencing column) pairs.
CREATE FUNCTION ref_refuse_orphans() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  i int := 1;
  referenced boolean;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
      RETURN NULL;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
      RAISE EXCEPTION 'deleting from "%" needs READ COMMITTED isolation (its references are checked by statement)', TG_TABLE_NAME
        USING ERRCODE = 'feature_not_supported';
    END IF;
  END IF;
  WHILE i < TG_NARGS LOOP
    EXECUTE format('LOCK TABLE %I.%I IN SHARE MODE', TG_TABLE_SCHEMA, TG_ARGV[i]);
    IF TG_OP = 'DELETE' THEN
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %4$I.%1$I t WHERE t.%2$I IN (SELECT o.%3$I FROM old_rows o))', TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[0], TG_TABLE_SCHEMA) INTO referenced;
    ELSE
      EXECUTE format('SELECT EXISTS (SELECT 1 FROM %3$I.%1$I t WHERE t.%2$I IS NOT NULL)', TG_ARGV[i], TG_ARGV[i + 1], TG_TABLE_SCHEMA) INTO referenced;
    END IF;
    IF referenced THEN
      RAISE EXCEPTION '% on table "%" violates the reference %.% → %.%', lower(TG_OP), TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], TG_TABLE_NAME, TG_ARGV[0]
        USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
              DETAIL = format('Rows of table "%s" still refer to it.', TG_ARGV[i]);
    END IF;
    i := i + 2;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION ref_refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the key of table "%" cannot change (rows refer to it)', TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER receipts_refs_insert AFTER INSERT ON receipts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('service', 'services', 'code', 'channel', 'channels', 'code');
--> statement-breakpoint
CREATE TRIGGER receipts_refs_update AFTER UPDATE ON receipts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('service', 'services', 'code', 'channel', 'channels', 'code');
--> statement-breakpoint
CREATE TRIGGER settlement_lines_refs_insert AFTER INSERT ON settlement_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('batch_id', 'settlement_batches', 'id', 'channel', 'channels', 'code');
--> statement-breakpoint
CREATE TRIGGER settlement_lines_refs_update AFTER UPDATE ON settlement_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('batch_id', 'settlement_batches', 'id', 'channel', 'channels', 'code');
--> statement-breakpoint
CREATE TRIGGER matches_refs_insert AFTER INSERT ON matches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('settlement_line_id', 'settlement_lines', 'id', 'receipt_id', 'receipts', 'id');
--> statement-breakpoint
CREATE TRIGGER matches_refs_update AFTER UPDATE ON matches REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_check_new_rows('settlement_line_id', 'settlement_lines', 'id', 'receipt_id', 'receipts', 'id');
--> statement-breakpoint
CREATE TRIGGER services_refs_delete AFTER DELETE ON services REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('code', 'receipts', 'service');
--> statement-breakpoint
CREATE TRIGGER services_refs_truncate BEFORE TRUNCATE ON services
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('code', 'receipts', 'service');
--> statement-breakpoint
CREATE TRIGGER services_key_fixed BEFORE UPDATE OF code ON services
  FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION ref_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER channels_refs_delete AFTER DELETE ON channels REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('code', 'receipts', 'channel', 'settlement_lines', 'channel');
--> statement-breakpoint
CREATE TRIGGER channels_refs_truncate BEFORE TRUNCATE ON channels
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('code', 'receipts', 'channel', 'settlement_lines', 'channel');
--> statement-breakpoint
CREATE TRIGGER channels_key_fixed BEFORE UPDATE OF code ON channels
  FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION ref_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER settlement_batches_refs_delete AFTER DELETE ON settlement_batches REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('id', 'settlement_lines', 'batch_id');
--> statement-breakpoint
CREATE TRIGGER settlement_batches_refs_truncate BEFORE TRUNCATE ON settlement_batches
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('id', 'settlement_lines', 'batch_id');
--> statement-breakpoint
CREATE TRIGGER settlement_batches_key_fixed BEFORE UPDATE OF id ON settlement_batches
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ref_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER settlement_lines_refs_delete AFTER DELETE ON settlement_lines REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('id', 'matches', 'settlement_line_id');
--> statement-breakpoint
CREATE TRIGGER settlement_lines_refs_truncate BEFORE TRUNCATE ON settlement_lines
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('id', 'matches', 'settlement_line_id');
--> statement-breakpoint
CREATE TRIGGER settlement_lines_key_fixed BEFORE UPDATE OF id ON settlement_lines
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ref_refuse_key_change();
--> statement-breakpoint
CREATE TRIGGER receipts_refs_delete AFTER DELETE ON receipts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('id', 'matches', 'receipt_id');
--> statement-breakpoint
CREATE TRIGGER receipts_refs_truncate BEFORE TRUNCATE ON receipts
  FOR EACH STATEMENT EXECUTE FUNCTION ref_refuse_orphans('id', 'matches', 'receipt_id');
--> statement-breakpoint
CREATE TRIGGER receipts_key_fixed BEFORE UPDATE OF id ON receipts
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION ref_refuse_key_change();
