/** Runs once when a server instance starts: refuse to serve on bad configuration, with one line. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./instrumentation-node");
}
