import { env } from "@/lib/env";
import { runCli } from "./cli";
import { startNext } from "./next-server";

/** npm start: validate the configuration (one line on error), then serve the production build. */
runCli(() => {
  Object.assign(process.env, { NODE_ENV: "production" });
  const config = env();
  startNext(config.PORT);
});
