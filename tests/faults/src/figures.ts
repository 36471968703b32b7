/** Prints a measured figure in one greppable line (`[faults] figure …`) for docs/reliability.md. */
export function recordFigure(name: string, value: number): void {
  console.log(`[faults] figure ${name}: ${value}`);
}
