import NextAuth, { AuthError, CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { staffForOidcEmail } from "@/db/queries/staff-auth";
import { createStaffSession, revokeStaffSession, touchStaffSession } from "@/db/queries/staff-sessions";
import { authorizeCredentials, SignInThrottledError } from "@/db/queries/staff-sign-in";
import { safeRedirectUrl } from "@/lib/auth/safe-redirect";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * Staff sign-in (Auth.js v5). Sessions are JWTs in an encrypted cookie that
 * carry only the staff id (`sub`), the session_version they were issued with
 * and the id of their server-side session row (`sid`); every request re-reads
 * the staff row (db/queries/staff.ts), so a disable, a role change or "sign
 * out everywhere" ends a session at its next click, and the session row
 * (db/queries/staff-sessions.ts), so sign-out, the 8-hour absolute lifetime and
 * the 30-minute idle timeout hold whatever copy of the cookie is replayed
 * (renewal by GET /api/auth/session included). Residents never sign in.
 */

declare module "next-auth" {
  interface User {
    sessionVersion?: number;
  }
  interface Session {
    sessionVersion?: number;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sv?: number;
    sid?: string;
  }
}


/** OIDC is on only when all three settings are present. */
export function oidcSettings(source: Record<string, string | undefined> = process.env) {
  const issuer = source.AUTH_OIDC_ISSUER;
  const clientId = source.AUTH_OIDC_CLIENT_ID;
  const clientSecret = source.AUTH_OIDC_CLIENT_SECRET;
  return issuer && clientId && clientSecret ? { issuer, clientId, clientSecret } : null;
}

export const STAFF_SESSION_HOURS = 8;

/** Over a sign-in limit: Auth.js passes `code` on to signIn()'s caller (and to /staff/login?code=). */
class SignInThrottled extends CredentialsSignin {
  constructor(retryAfterSeconds: number) {
    super();
    this.code = `rate_limited_${Math.max(1, Math.ceil(retryAfterSeconds / 60))}`;
  }
}

function authConfig(): NextAuthConfig {
  const oidc = oidcSettings();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      id: "credentials",
      credentials: { email: {}, password: {}, challenge: {}, code: {} },
      // Every route to a password check comes through here — the login form's server action and a bare
      // POST /api/auth/callback/credentials alike — so the limits live here, before any hashing.
      async authorize(input, request) {
        try {
          return await authorizeCredentials(input, request.headers);
        } catch (error) {
          if (error instanceof SignInThrottledError) throw new SignInThrottled(error.retryAfterSeconds);
          throw error;
        }
      },
    }),
  ];
  if (oidc) {
    providers.push({
      id: "oidc",
      name: "SSO",
      type: "oidc",
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      checks: ["pkce", "state", "nonce"],
    });
  }

  return {
    secret: env().AUTH_SECRET,
    trustHost: true,
    useSecureCookies: env().secureCookies,
    session: { strategy: "jwt", maxAge: STAFF_SESSION_HOURS * 3600, updateAge: 15 * 60 },
    pages: { signIn: "/staff/login", error: "/staff/login" },
    providers,
    logger: {
      // Auth.js errors carry stacks and request details: log the type only.
      error: (error) => log("warn", "auth_error", { type: (error as { type?: string }).type ?? error.name }),
      warn: (code) => log("warn", "auth_warning", { code }),
      debug: () => {},
    },
    events: {
      // Sign-out ends the session on the server, not only in this browser.
      async signOut(message) {
        if ("token" in message && message.token) await revokeStaffSession(message.token.sid);
      },
    },
    callbacks: {
      signIn({ account, profile }) {
        if (account?.provider !== "oidc") return true;
        // Only an existing, enabled account with a verified email; OIDC never creates accounts.
        return typeof profile?.email === "string" && profile.email_verified !== false;
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "oidc") {
          const found = typeof profile?.email === "string" ? await staffForOidcEmail(profile.email) : null;
          if (!found) return null;
          return { sub: String(found.staffId), sv: found.sessionVersion, sid: await createStaffSession(found.staffId) };
        }
        if (user) return { sub: user.id, sv: user.sessionVersion, sid: await createStaffSession(Number(user.id)) };
        // Every later use: null (cookie cleared, nothing renewed) unless its session row is still active.
        if ((await touchStaffSession(token.sid, Number(token.sub))) !== "active") return null;
        return { sub: token.sub, sv: token.sv, sid: token.sid, iat: token.iat, exp: token.exp, jti: token.jti };
      },
      session({ session, token }) {
        return { expires: session.expires, user: { id: token.sub ?? "" }, sessionVersion: token.sv };
      },
      redirect({ url, baseUrl }) {
        return safeRedirectUrl(url, baseUrl);
      },
    },
  };
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => authConfig());

/** A wrong email or password (or a disabled account, or a throttled client): Auth.js's CredentialsSignin. */
export function isCredentialsRefusal(error: unknown): boolean {
  return error instanceof AuthError && error.type === "CredentialsSignin";
}

/** Minutes to wait when the refusal was the throttle's (its code is `rate_limited_<minutes>`), else null. */
export function throttledMinutes(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  const match = typeof code === "string" ? /^rate_limited_(\d+)$/.exec(code) : null;
  return match ? Number(match[1]) : null;
}
