"use client";

/**
 * When the root layout itself fails: a whole document, no stack, no server message. The digest is
 * in the server's `request_failed` log line next to the request id.
 */
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="zh-CN">
      <body style={{ font: "18px/1.5 system-ui, sans-serif", margin: "0 auto", maxWidth: "40rem", padding: "1.5rem" }}>
        <main>
          <h1>系统暂时无法处理 · Something went wrong</h1>
          <p>请稍后再试。Please try again later.</p>
          {error.digest && (
            <p>
              如需联系我们，请提供此编号 · Quote this number if you contact us: <code data-error-digest>{error.digest}</code>
            </p>
          )}
          <p>
            <a href="/">返回首页 · Home</a> · <a href="/help">办事指南与服务热线 · Help and hotline</a>
          </p>
        </main>
      </body>
    </html>
  );
}
