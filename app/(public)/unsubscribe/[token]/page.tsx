import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { env } from "@/lib/env";
import { verifyUnsubscribeToken } from "@/lib/posting-notice";
import { requestLocale } from "../../../locale";
import { unsubscribeAction } from "../../subscribe-actions";

type Props = { params: Promise<{ token: string }>; searchParams: Promise<{ done?: string }> };

/** The unsubscribe link of a "tell me when it posts" notice: a confirmation button (mail scanners follow links; they do not press buttons). */
export default async function UnsubscribePage({ params, searchParams }: Props) {
  const [{ token }, query, { t }] = await Promise.all([params, searchParams, requestLocale()]);
  const u = t.channels.unsubscribe;
  const valid = verifyUnsubscribeToken(env().AUTH_SECRET, token) !== null;
  return (
    <section aria-labelledby="unsubscribe-title">
      <h1 id="unsubscribe-title" className="mb-4 text-3xl font-bold">
        {u.title}
      </h1>
      {!valid ? (
        <Notice tone="warn">{u.invalid}</Notice>
      ) : query.done === "1" ? (
        <div data-unsubscribed="true">
          <Notice tone="ok">{u.done}</Notice>
        </div>
      ) : (
        <form action={unsubscribeAction}>
          <p className="mb-4 text-lg">{u.body}</p>
          <input type="hidden" name="token" value={token} />
          <Button type="submit">{u.submit}</Button>
        </form>
      )}
    </section>
  );
}
