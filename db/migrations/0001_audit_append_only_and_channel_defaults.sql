-- The audit log is append-only: no role the app uses may rewrite history.
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
--> statement-breakpoint
-- SPEC §2 channel defaults: lag in business days, daily cut-off, lock window.
INSERT INTO channels (code, name_zh, name_en, lag_days, cutoff, lock_window_minutes) VALUES
  ('counter', '窗口缴费', 'Service counter', 1, '16:00', 30),
  ('online_bank', '网上银行', 'Online banking', 1, '17:00', 30),
  ('wechat', '微信支付', 'WeChat Pay', 1, '23:00', 30),
  ('alipay', '支付宝', 'Alipay', 1, '23:00', 30),
  ('pos', 'POS 刷卡', 'POS card payment', 1, '22:00', 30),
  ('cash', '现金', 'Cash', 1, '16:00', NULL);
--> statement-breakpoint
INSERT INTO services (code, name_zh, name_en) VALUES
  ('hukou', '户政业务费', 'Household registration fee'),
  ('medical_insurance', '城乡居民医保', 'Resident medical insurance'),
  ('tax', '税费', 'Tax'),
  ('other', '其他行政事业性收费', 'Other public fee');
