import { LookupForm } from "@/components/lookup/lookup-form";
import { lookupTexts } from "@/components/lookup/lookup-texts";
import { requestLocale } from "@/app/locale";
import { lookupAction } from "./actions";

export default async function LookupPage() {
  const { t } = await requestLocale();
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">{t.lookup.title}</h1>
      <p className="mb-6 text-lg">{t.site.tagline}</p>
      <LookupForm action={lookupAction} texts={lookupTexts(t)} />
    </>
  );
}
