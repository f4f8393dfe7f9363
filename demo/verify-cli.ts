// `npm run demo:verify`: the recipe's verification against the running demo,
// step by step; exits non-zero if any step fails.
import { describeError, UserFacingError } from "../lib/core/errors";
import { readDemoFacts } from "./facts";
import { readDemoSettings } from "./settings";
import { verifyDemo, type StepResult } from "./verify";

const tty = process.stdout.isTTY;
const paint = (code: number, text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const MARK: Record<StepResult["status"], string> = { passed: paint(32, "✓"), failed: paint(31, "✗"), skipped: paint(90, "–") };

async function main() {
  const { dataDir } = readDemoSettings(process.env);
  const facts = readDemoFacts(dataDir);
  const up = await fetch(`${facts.console_url}/api/health`).then(
    () => true,
    () => false,
  );
  if (!up) throw new UserFacingError(`The demo in ${dataDir} is not running (${facts.console_url} does not answer): start it with \`npm run demo\`.`, "DEMO_DOWN");

  let flow = "";
  const results = await verifyDemo(facts, (result) => {
    if (result.flow !== flow) {
      flow = result.flow;
      process.stdout.write(`\n${paint(1, flow)}\n`);
    }
    process.stdout.write(`  ${MARK[result.status]} ${result.step}\n      ${result.detail}\n`);
  });
  const passed = results.filter((r) => r.status === "passed").length;
  const ok = passed === results.length;
  process.stdout.write(`\n${ok ? paint(32, `All ${passed} checks passed.`) : paint(31, `${passed} of ${results.length} checks passed.`)}\n`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(`portcullis demo:verify: ${describeError(error)}`);
  process.exit(1);
});
