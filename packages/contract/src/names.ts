/**
 * Characters Veza allows in provider and data source names. The official `oaaclient` refuses
 * anything else before sending; the server enforces the same set so curl users get the same rule.
 */
export const ALLOWED_NAME_PATTERN = "^[ @#$%&*:()!,a-zA-Z0-9_'\"=.-]*$";

/** Longest name, in UTF-8 bytes (the OAA limit for built-in strings). */
export const MAX_NAME_BYTES = 256;
