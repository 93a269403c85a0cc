// @ts-check
/**
 * The production HTTP server: Next.js's request handler behind a few lines
 * that must run before Next.js reads a request (`npm start`, `npm run demo`,
 * the browser and ops tests all start this, never `next start`):
 *
 * - The TCP peer's address goes into a private header, overwriting any copy a
 *   client sent, because the App Router offers no socket address of its own;
 *   lib/rate-limit.ts (clientAddress) decides from it and TRUSTED_PROXY_HOPS who
 *   the client is. instrumentation-node.ts refuses to serve in production
 *   without this server, where that header would be the client's to write.
 * - A body larger than the limit is refused with 413 from its Content-Length,
 *   before a byte of it is read (Next.js would read it, log the full URL with
 *   its receipt number and QR token, and answer 500). A page or action request
 *   with a body but no length (chunked) is refused with 411.
 * - A server action posted from another origin than the app's (lib/action-origin.mjs) is refused
 *   with 403 before a byte of its body is read (Next.js would read it, then answer 500 and log an
 *   error); proxy.ts makes the same check for servers other than this one.
 * - The request id is chosen here (the load balancer's when it is a plain token, else a fresh one),
 *   written into X-Request-Id for proxy.ts and the pages, and the request is served inside
 *   lib/log.ts's request context under it, so every log line of the request carries the id the
 *   user is shown.
 * - No log line carries a URL's query string (QR tokens, tracking secrets):
 *   console output of this process, Next.js's included, is scrubbed.
 *
 * Plain JavaScript so that it runs on bare Node without a loader.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createServer } from "node:http";
import next from "next";
import { actionOriginRefusal, actionOriginRefusalResponse } from "../lib/action-origin.mjs";
import { REQUEST_CONTEXT, REQUEST_ID_HEADER, requestIdFrom } from "../lib/request-id.mjs";
import { MAX_REQUEST_BODY_BYTES, MAX_REQUEST_BODY_MB } from "../lib/request-limits.mjs";

/** Same name as SOCKET_ADDRESS_HEADER in lib/rate-limit.ts (scripts/http-server.test.ts checks). */
export const SOCKET_ADDRESS_HEADER = "x-paystatus-socket-address";

/** `/path?query` and `https://host/path?query` → the same with the query replaced; receipt numbers in /r/… paths too. */
export function scrubQueryStrings(text) {
  return text
    .replace(/((?:https?:\/\/[^\s"'<>?#]*)|(?:\/[^\s"'<>?#]*))\?[^\s"'<>#]*/g, "$1?[redacted]")
    .replace(/\/r\/(?!\[)[^/\s?"'<>#]+/g, "/r/[receipt]");
}

function scrubConsole() {
  for (const method of /** @type {const} */ (["log", "info", "warn", "error", "debug"])) {
    const original = console[method].bind(console);
    console[method] = (...args) =>
      original(
        ...args.map((arg) => {
          if (typeof arg === "string") return scrubQueryStrings(arg);
          if (arg instanceof Error) {
            const copy = new Error(scrubQueryStrings(arg.message));
            copy.name = arg.name;
            copy.stack = arg.stack ? scrubQueryStrings(arg.stack) : undefined;
            return copy;
          }
          return arg;
        }),
      );
  }
}

function refuse(req, res, status, path) {
  const api = path.startsWith("/api/");
  const body = api
    ? JSON.stringify({ error: status === 413 ? "payload_too_large" : "length_required", limitMb: MAX_REQUEST_BODY_MB })
    : `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${status}</title></head><body><main><h1>提交的内容过大</h1><p>一次最多提交 ${MAX_REQUEST_BODY_MB} MB（最多 5 个文件，每个不超过 10 MB）。请减少或压缩文件后重试。</p><h1 lang="en">Too large</h1><p lang="en">At most ${MAX_REQUEST_BODY_MB} MB per form (up to 5 files of 10 MB each). Remove or shrink files and try again.</p><p><a href="/">返回首页 · Home</a></p></main></body></html>`;
  discard(req, res, status, { "Content-Type": api ? "application/json" : "text/html; charset=utf-8", "Cache-Control": "no-store", "Content-Length": String(Buffer.byteLength(body)) }, body);
}

/** Answers, then discards what the client is still sending (never buffered), and hangs up if it goes on too long. */
function discard(req, res, status, headers, body) {
  res.writeHead(status, { ...headers, Connection: "close" });
  res.end(body);
  req.resume();
  setTimeout(() => req.socket.destroy(), 10_000).unref();
}

function parseArgs(argv) {
  const out = { port: Number(process.env.PORT ?? 3000), hostname: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "-p" || argv[i] === "--port") out.port = Number(argv[++i]);
    else if (argv[i] === "-H" || argv[i] === "--hostname") out.hostname = argv[++i];
  }
  return out;
}

async function main() {
  scrubConsole();
  process.env.PAYSTATUS_HTTP_SERVER = "1";
  const { port, hostname } = parseArgs(process.argv.slice(2));
  const app = next({ dev: false, dir: process.cwd(), port, hostname });
  await app.prepare();
  const handle = app.getRequestHandler();
  /** @type {AsyncLocalStorage<{ requestId: string }>} */
  const requestContext = (/** @type {any} */ (globalThis)[REQUEST_CONTEXT] ??= new AsyncLocalStorage());
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    // Always overwritten: a client-sent copy never survives.
    req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
    const length = req.headers["content-length"];
    if (length !== undefined && Number(length) > MAX_REQUEST_BODY_BYTES) return refuse(req, res, 413, path);
    if (length === undefined && req.headers["transfer-encoding"] && !path.startsWith("/api/")) return refuse(req, res, 411, path);
    if (actionOriginRefusal({ method: req.method ?? "GET", pathname: path, header: (name) => req.headers[name], publicBaseUrl: process.env.PUBLIC_BASE_URL })) {
      const refusal = actionOriginRefusalResponse(path);
      return discard(req, res, refusal.status, { ...refusal.headers, "Content-Length": String(Buffer.byteLength(refusal.body)) }, refusal.body);
    }
    const incoming = req.headers[REQUEST_ID_HEADER];
    const requestId = requestIdFrom(typeof incoming === "string" ? incoming : undefined);
    req.headers[REQUEST_ID_HEADER] = requestId;
    requestContext.run({ requestId }, () => void handle(req, res));
  });
  server.listen(port, hostname, () => {
    console.log(`paystatus listening on http://${hostname ?? "localhost"}:${port}`);
  });
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.on(signal, () => {
      server.close();
      process.exit(0);
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exit(1);
  });
}
