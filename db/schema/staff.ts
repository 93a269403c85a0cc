import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const staffRole = pgEnum("staff_role", ["agent", "supervisor", "admin"]);

export const staff = pgTable(
  "staff",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** Stored lower-case. */
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    role: staffRole("role").notNull(),
    /** Queues an agent works; supervisors and admins see all. */
    queues: text("queues").array().notNull().default(sql`'{}'::text[]`),
    /** argon2id; null for accounts that sign in through OIDC only. */
    passwordHash: text("password_hash"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Bumped on disable, role change and sign-out everywhere: sessions carrying an older version end at once. */
    sessionVersion: integer("session_version").notNull().default(1),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    /** Demo accounts are created by `npm run demo` only and say so on every page. */
    isDemo: boolean("is_demo").notNull().default(false),
    /** TOTP secret sealed under AUTH_SECRET (lib/auth/totp.ts); set at enrolment start, in force once totp_enabled_at is set. */
    totpSecret: text("totp_secret"),
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    /** The 30-second step of the last code accepted: a code from it or before is refused. */
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("staff_email_idx").on(t.email)],
);

/** API bearer tokens (`npm run staff -- token EMAIL`), scoped like their staff member; only the hash is kept. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    staffId: bigint("staff_id", { mode: "number" })
      .notNull()
      .references(() => staff.id),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("api_tokens_hash_idx").on(t.tokenHash)],
);

/**
 * One row per staff sign-in (the JWT carries its id as `sid`). Checked on every request: sign-out
 * revokes the row, so a copied cookie dies with it; the absolute lifetime runs from `created_at`, so
 * renewing the cookie cannot extend it; `last_seen_at` gives the idle timeout (lib/auth/session.ts).
 */
export const staffSessions = pgTable(
  "staff_sessions",
  {
    id: text("id").primaryKey(),
    staffId: bigint("staff_id", { mode: "number" })
      .notNull()
      .references(() => staff.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("staff_sessions_staff_idx").on(t.staffId)],
);

/** Recovery codes of a TOTP enrolment: only SHA-256 of each code is kept; a code is spent once. */
export const staffRecoveryCodes = pgTable(
  "staff_recovery_codes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    staffId: bigint("staff_id", { mode: "number" })
      .notNull()
      .references(() => staff.id),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("staff_recovery_codes_hash_idx").on(t.staffId, t.codeHash)],
);

/**
 * A sign-in between the password and the session: the password was right, and `need` says what is
 * still owed (a code, or enrolment first). Kept in an httpOnly cookie as a random token (only its
 * hash is here), short-lived and spent by the one sign-in it leads to.
 */
export const staffSignInChallenges = pgTable(
  "staff_sign_in_challenges",
  {
    tokenHash: text("token_hash").primaryKey(),
    staffId: bigint("staff_id", { mode: "number" })
      .notNull()
      .references(() => staff.id),
    sessionVersion: integer("session_version").notNull(),
    need: text("need").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** Set when the second factor was shown (or enrolment confirmed): the token may now start a session, once. */
    satisfiedAt: timestamp("satisfied_at", { withTimezone: true }),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("staff_sign_in_challenges_staff_idx").on(t.staffId)],
);
