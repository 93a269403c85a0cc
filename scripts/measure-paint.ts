/**
 * First contentful paint of a status page on emulated slow 3G (issue 18 item 8): 400 kbit/s down and up,
 * 400 ms round trip, through Chromium's DevTools protocol. Prints figures, asserts nothing.
 *   npx tsx scripts/measure-paint.ts http://127.0.0.1:3307/r/2026110000000011?t=… [runs] [--device "Pixel 7"]
 * With --device, the phone's viewport, pixel ratio, user agent and touch (Playwright's descriptor; the engine
 * stays Chromium, which has the network emulation, so "iPhone 13" means its screen, not Safari).
 */
import { chromium, devices } from "@playwright/test";

const args = process.argv.slice(2);
const deviceAt = args.indexOf("--device");
const deviceName = deviceAt >= 0 ? args.splice(deviceAt, 2)[1] : undefined;
const [url, runsArg] = args;
if (!url) throw new Error('usage: measure-paint.ts URL [runs] [--device "Pixel 7"]');
if (deviceName && !devices[deviceName]) throw new Error(`unknown device: ${deviceName}`);
const runs = Number(runsArg ?? 5);
const phone = deviceName ? devices[deviceName]! : undefined;
const device = phone
  ? { viewport: phone.viewport, deviceScaleFactor: phone.deviceScaleFactor, isMobile: phone.isMobile, hasTouch: phone.hasTouch, userAgent: phone.userAgent }
  : { viewport: { width: 360, height: 740 } };
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--disable-gpu"] });
const figures: { fcp: number; html: number; stylesheets: number }[] = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ ...device, locale: "zh-CN" });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 400, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8 });
  let stylesheets = 0;
  page.on("request", (r) => void (r.resourceType() === "stylesheet" && stylesheets++));
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  const timing = await page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { fcp, html: nav.responseEnd };
  });
  figures.push({ ...timing, stylesheets });
  await context.close();
}
await browser.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [i, f] of figures.entries()) console.log(`run ${i + 1}: HTML complete ${f.html.toFixed(0)} ms, first paint ${f.fcp.toFixed(0)} ms, stylesheet requests ${f.stylesheets}`);
console.log(`median${deviceName ? ` (${deviceName}, ${device.viewport.width}×${device.viewport.height})` : ""}: HTML complete ${median(figures.map((f) => f.html)).toFixed(0)} ms, first paint ${median(figures.map((f) => f.fcp)).toFixed(0)} ms, first paint − HTML complete ${median(figures.map((f) => f.fcp - f.html)).toFixed(0)} ms (${runs} runs, 400 kbit/s, 400 ms RTT)`);
