"use client";

import { createContext, useContext, type ReactNode } from "react";

/** The id of the request that rendered the page, for error boundaries (client components cannot read request headers). */
const RequestIdContext = createContext<string | undefined>(undefined);

export function RequestIdProvider({ value, children }: { value: string | undefined; children: ReactNode }) {
  return <RequestIdContext value={value}>{children}</RequestIdContext>;
}

export function useRequestId(): string | undefined {
  return useContext(RequestIdContext);
}
