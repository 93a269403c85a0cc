"use client";

import { useRequestId } from "./request-id";

/**
 * Last resort: no stack, no message from the server (it may hold SQL). The request id is the one in
 * the server's `request_failed` log line; after a client-side navigation it is the page's first
 * request, so the digest (also in that line) is shown too.
 */
export default function ErrorPage({ error }: { error: Error & { digest?: string } }) {
  const requestId = useRequestId();
  return (
    <>
      <h1 className="mb-3 text-3xl font-bold">系统暂时无法处理 · Something went wrong</h1>
      <p className="mb-2 text-lg">请稍后再试。Please try again later.</p>
      {requestId && (
        <p className="mb-2 text-base text-gray-700">
          如需联系我们，请提供此编号 · Quote this number if you contact us: <code data-request-id>{requestId}</code>
        </p>
      )}
      {error.digest && <p className="mb-2 text-base text-gray-700">Ref: {error.digest}</p>}
      <p className="flex flex-wrap gap-x-6 gap-y-2 text-lg">
        <a href="/" className="text-brand underline">
          返回首页 · Home
        </a>
        <a href="/help" data-help-link className="text-brand underline">
          办事指南与服务热线 · Help and hotline
        </a>
      </p>
    </>
  );
}
