import { writeFile } from "node:fs/promises";
import QRCode from "qrcode";
import { env } from "@/lib/env";
import { receiptLink } from "@/lib/receipt-link";
import { checkReceiptNo } from "@/lib/receipt-number";
import { CliError, runCli } from "./cli";
import { followDemo } from "./demo-secrets";

/** npm run qr -- RECEIPT_NO [--png FILE]: the signed status URL, and a QR image for the receipt printer. */
runCli(async () => {
  const args = process.argv.slice(2);
  const pngAt = args.indexOf("--png");
  const png = pngAt >= 0 ? args[pngAt + 1] : undefined;
  if (pngAt >= 0 && !png) throw new CliError("--png needs a file name");
  // Without --png, pngAt + 1 is 0: the receipt number itself must not be taken for the file name.
  const receiptArg = args.find((a, i) => !a.startsWith("--") && (pngAt < 0 || i !== pngAt + 1));
  if (!receiptArg) throw new CliError("usage: npm run qr -- RECEIPT_NO [--png FILE]");
  const demo = followDemo();
  const config = env();
  const checked = checkReceiptNo(receiptArg, config.receiptFormat);
  if (!checked.ok) throw new CliError(`"${receiptArg.slice(0, 40)}" is not a valid receipt number (${checked.code})`);
  const url = receiptLink(config.PUBLIC_BASE_URL ?? demo?.baseUrl ?? `http://localhost:${config.PORT}`, config.RECEIPT_LINK_SECRET, checked.receiptNo);
  if (demo) console.error("(signed with the demo's secret from .data/: set RECEIPT_LINK_SECRET for real receipts)");
  console.log(url);
  if (png) {
    // Error correction M and a 4-module quiet zone survive thermal receipt printers.
    await writeFile(png, await QRCode.toBuffer(url, { errorCorrectionLevel: "M", margin: 4, width: 384, type: "png" }));
    console.error(`QR image written to ${png}`);
  }
});
