import { publicHost } from "./lib/action-origin.mjs";
import { MAX_REQUEST_BODY_MB } from "./lib/request-limits.mjs";

// Server actions come from PUBLIC_BASE_URL's origin (lib/action-origin.mjs refuses others first); Next.js
// compares Origin with X-Forwarded-Host or Host, which behind a balancer may name the instance instead.
const PUBLIC_HOST = publicHost(process.env.PUBLIC_BASE_URL);

/** @type {import('next').NextConfig} */
const nextConfig = {
  // A separate build directory lets two builds (say, two test runs) coexist in one checkout.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // Types are checked once, by `npm run typecheck` in `npm test`, not again inside every build.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // Ticket forms carry up to 5 proofs of 10 MB each; each file is checked again on the server.
    // scripts/http-server.mjs refuses a larger Content-Length with 413 before Next.js reads it.
    serverActions: { bodySizeLimit: `${MAX_REQUEST_BODY_MB}mb`, ...(PUBLIC_HOST ? { allowedOrigins: [PUBLIC_HOST] } : {}) },
    proxyClientMaxBodySize: `${MAX_REQUEST_BODY_MB}mb`,
    // Issue 18: the stylesheet (~5 KB) goes into the HTML as a <style> tag, so a page paints with its
    // HTML on a slow connection instead of waiting one more round trip (CSP allows inline styles).
    // PAYSTATUS_EXTERNAL_CSS=1 builds the old way, for measuring the difference (scripts/measure-paint.ts).
    inlineCss: process.env.PAYSTATUS_EXTERNAL_CSS !== "1",
  },
  reactStrictMode: true,
  // PGlite ships WebAssembly and data files that must be loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "pdfjs-dist"],
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts and Next refuses the server action.
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
      { source: "/r/:path*", headers: [{ key: "Cache-Control", value: "no-store" }] },
    ];
  },
};

export default nextConfig;
