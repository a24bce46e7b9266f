// Placeholder until the whole-binary runner lands (issue 5).
export async function statCommand(_argv: string[]): Promise<number> {
  throw new Error('prtip-perf stat is not built yet');
}
