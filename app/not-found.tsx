import { requestLocale } from "./locale";

export default async function NotFound() {
  const { t } = await requestLocale();
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{t.errors.notFoundTitle}</h1>
      <p className="mb-6 text-lg">{t.errors.notFoundBody}</p>
      <a href="/" className="text-lg text-brand underline">
        {t.errors.backHome}
      </a>
    </>
  );
}
