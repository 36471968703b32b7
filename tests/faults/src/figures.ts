/** Prints a measured figure in one greppable line (`[faults] figure …`) for docs/reliability.md. */
export function recordFigure(name: string, value: number): void {
  process.stdout.write(`[faults] figure ${name}: ${value}\n`);
}
