// One JSON request from the data plane to the console (DP_API), with the
// data-plane token: a timeout, no redirects, a bounded answer that must parse
// and match its schema. Any failure — the console down, a timeout, a redirect,
// an unexpected status, a body that does not parse — is a ConsoleRequestFailed
// whose message says why, for the log; each caller turns it into its own
// refusal, so the data plane fails closed.
import type { z } from "zod";

const MAX_ANSWER_BYTES = 64 * 1024;

export interface ConsoleEndpoint {
  /** The console's base URL. */
  url: string;
  /** The data plane's token (PORTCULLIS_DP_TOKEN). */
  token: string;
}

export class ConsoleRequestFailed extends Error {
  override name = "ConsoleRequestFailed";
}

export async function postToConsole<T>(
  endpoint: ConsoleEndpoint,
  path: string,
  body: string,
  answer: { schema: z.ZodType<T>; statuses: readonly number[]; timeoutMs: number },
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, endpoint.url), {
      method: "POST",
      headers: { authorization: `Bearer ${endpoint.token}`, "content-type": "application/json", accept: "application/json" },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(answer.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ConsoleRequestFailed(`${(error as Error).name}: ${cause ?? (error as Error).message}`);
  }
  if (!answer.statuses.includes(response.status)) {
    await response.body?.cancel();
    throw new ConsoleRequestFailed(`the console answered ${response.status}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ConsoleRequestFailed(`reading the answer: ${(error as Error).message}`);
  }
  if (text.length > MAX_ANSWER_BYTES) throw new ConsoleRequestFailed("the answer is too large");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConsoleRequestFailed("the answer is not JSON");
  }
  const parsed = answer.schema.safeParse(json);
  if (!parsed.success) throw new ConsoleRequestFailed(`invalid answer: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return parsed.data;
}
