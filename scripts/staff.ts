import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { z } from "zod";
import { dbHandle } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { issueApiToken } from "@/db/queries/api-tokens";
import { createStaff } from "@/db/queries/staff-accounts";
import { passwordProblem } from "@/lib/auth/password";
import { normaliseEmail, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, QUEUE_NAME, STAFF_ROLES, type StaffRole } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { CliError, runCli } from "./cli";
import { setStaffPassword } from "@/db/queries/staff-password";

/**
 * npm run staff -- add EMAIL --role agent|supervisor|admin [--queues q1,q2]
 * npm run staff -- token EMAIL
 *
 * Passwords come from STAFF_PASSWORD or a prompt that does not echo. Tokens are
 * printed once; only their SHA-256 is stored. Bad input changes nothing.
 */

const USAGE = "usage: npm run staff -- add EMAIL --role agent|supervisor|admin [--queues q1,q2] | npm run staff -- password EMAIL | npm run staff -- token EMAIL";
const ZEmail = z.email();

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith("--")) throw new CliError(`${name} needs a value`);
  return value;
}

function emailArg(value: string | undefined): string {
  if (!value || value.startsWith("--")) throw new CliError(USAGE);
  const email = normaliseEmail(value);
  if (!ZEmail.safeParse(email).success) throw new CliError(`"${value.slice(0, 80)}" is not an email address`);
  return email;
}

function readPasswordFromTerminal(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError("set STAFF_PASSWORD or run in a terminal to be prompted for the password");
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!muted) process.stdout.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(prompt, (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function newPassword(): Promise<string> {
  const fromEnv = process.env.STAFF_PASSWORD;
  const password = fromEnv !== undefined && fromEnv !== "" ? fromEnv : await readPasswordFromTerminal("Password (not shown): ");
  const problem = passwordProblem(password);
  if (problem === "too_short") throw new CliError(`the password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (problem === "too_long") throw new CliError(`the password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (fromEnv === undefined || fromEnv === "") {
    const again = await readPasswordFromTerminal("Again: ");
    if (again !== password) throw new CliError("the two passwords differ");
  }
  return password;
}

async function add(args: string[]): Promise<void> {
  const email = emailArg(args[0]);
  const role = option(args, "--role");
  if (!role) throw new CliError("--role is required (agent, supervisor or admin)");
  if (!(STAFF_ROLES as readonly string[]).includes(role)) throw new CliError(`--role must be agent, supervisor or admin, not "${role.slice(0, 20)}"`);
  const queuesArg = option(args, "--queues");
  const queues = queuesArg ? [...new Set(queuesArg.split(",").map((q) => q.trim()).filter(Boolean))] : [];
  const badQueue = queues.find((q) => !QUEUE_NAME.test(q));
  if (badQueue) throw new CliError(`"${badQueue.slice(0, 40)}" is not a queue name (lower-case letters, digits and _)`);
  const password = await newPassword();

  await migrateDatabase(dbHandle());
  try {
    const { id } = await createStaff("cli", { email, role: role as StaffRole, queues, password });
    console.log(`Added ${role} ${email} (id ${id})${queues.length ? ` for queues ${queues.join(", ")}` : ""}.`);
  } catch (error) {
    if (error instanceof AppError && error.reason === "email_taken") throw new CliError(`${email} already has a staff account`);
    throw error;
  }
}

async function token(args: string[]): Promise<void> {
  const email = emailArg(args[0]);
  await migrateDatabase(dbHandle());
  try {
    const issued = await issueApiToken(email);
    console.error(`API token for ${email} (shown once; store it in the integration's secret store):`);
    console.log(issued.token);
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.code === "not_found" ? `no staff account for ${email}` : `${email} is disabled`);
    throw error;
  }
}

async function password(args: string[]): Promise<void> {
  const email = emailArg(args[0]);
  const secret = await newPassword();
  await migrateDatabase(dbHandle());
  if (!(await setStaffPassword("cli", email, secret))) throw new CliError(`no staff account for ${email}`);
  console.log(`New password set for ${email}; its open sessions have ended.`);
}

runCli(async () => {
  const [command, ...args] = process.argv.slice(2);
  if (command === "add") await add(args);
  else if (command === "password") await password(args);
  else if (command === "token") await token(args);
  else throw new CliError(USAGE);
});
