/**
 * Where residents get help: the service hotline (政务服务便民热线) and the help page.
 * One place to read them from; elder mode shows both on every page.
 */
export const HOTLINE = "12345";
export const HELP_PATH = "/help";
