// The 100 tools the benchmark's upstream lists: shared by the upstream (which
// answers with them) and the bench (which pins them for the pinning row).
export const BENCH_TOOLS = Array.from({ length: 100 }, (_, i) => ({
  name: `tool_${String(i).padStart(3, "0")}`,
  description: `Benchmark tool number ${i}, which does nothing of interest.`,
  inputSchema: { type: "object", properties: { q: { type: "string" } } },
}));
