/** Types for @observablehq/inputs (the package ships none): the one input the notebook pages build themselves. */
declare module '@observablehq/inputs' {
  export function table(data: unknown, options?: Record<string, unknown>): HTMLElement;
}
