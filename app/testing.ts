/**
 * For the server-action tests: the path an action redirected to. Next's redirect() throws an error
 * whose digest carries the target; anything else is the test's failure to report.
 */
export async function redirectOf(promise: Promise<unknown>): Promise<string> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return digest.split(";")[2]!;
    throw error;
  }
  throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
}
