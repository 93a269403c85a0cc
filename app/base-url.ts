import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/env";

/** Absolute origin for links people keep (PUBLIC_BASE_URL in production; the request's host otherwise). */
export async function publicBaseUrl(): Promise<string> {
  const config = env();
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/$/, "");
  const host = (await headers()).get("host") ?? `localhost:${config.PORT}`;
  return `http://${host}`;
}
