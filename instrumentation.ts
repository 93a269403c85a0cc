import type { Instrumentation } from "next";

/** Runs once when a server instance starts: refuse to serve on bad configuration, with one line. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./instrumentation-node");
}

/** Uncaught errors in pages, actions and route handlers: one JSON line with the request id the error page shows. */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME === "nodejs") (await import("./lib/log")).logRequestError(error, request, context);
};
