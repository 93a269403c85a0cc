import { buildIsStale, buildNext } from "../../scripts/next-server";

/** One production build for every instance of the suite (reused when nothing changed since). */
export default function globalSetup(): void {
  if (buildIsStale()) buildNext();
}
