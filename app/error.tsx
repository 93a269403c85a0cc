"use client";

/** Last resort: no stack, no message from the server (it may hold SQL); the digest identifies the logged error. */
export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">系统暂时无法处理 · Something went wrong</h1>
      <p className="mb-2 text-lg">请稍后再试。Please try again later.</p>
      {error.digest && <p className="text-base text-gray-700">Ref: {error.digest}</p>}
      <a href="/" className="text-lg text-brand underline">
        返回首页 · Home
      </a>
    </>
  );
}
