import "server-only";
import { env } from "@/lib/env";

/**
 * Absolute origin for links people keep (notifications, the private tracking link): PUBLIC_BASE_URL,
 * required in production; http://localhost:$PORT in development. Never the request's Host header,
 * which the client writes: a forged Host would put an attacker's domain into a resident's e-mail.
 */
export async function publicBaseUrl(): Promise<string> {
  const config = env();
  return Promise.resolve((config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, ""));
}
