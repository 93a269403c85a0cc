import { headers } from "next/headers";
import { REQUEST_ID_HEADER } from "@/lib/request-id.mjs";
import { requestLocale } from "@/app/locale";

export default async function NotFound() {
  const [{ t }, requestHeaders] = await Promise.all([requestLocale(), headers()]);
  const requestId = requestHeaders.get(REQUEST_ID_HEADER);
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{t.errors.notFoundTitle}</h1>
      <p className="mb-6 text-lg">{t.errors.notFoundBody}</p>
      {requestId && (
        <p className="mb-6 text-base text-gray-700">
          {t.requestId.quote} <code data-request-id>{requestId}</code>
        </p>
      )}
      <p className="flex flex-wrap gap-x-6 gap-y-2 text-lg">
        <a href="/" className="text-brand underline">
          {t.errors.backHome}
        </a>
        <a href="/help" data-help-link className="text-brand underline">
          {t.resident.help.link}
        </a>
      </p>
    </>
  );
}
