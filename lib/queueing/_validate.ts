/** Private: argument guards shared by the queueing models (written so that NaN fails them). */

export function requireNonNegative(what: string, value: number, unit: string, action: string): void {
  if (!(value >= 0) || value === Infinity) {
    throw new RangeError(`Cannot compute ${action}: ${what} must be a finite number ≥ 0${unit ? ` ${unit}` : ""}, got ${value}`);
  }
}

export function requirePositive(what: string, value: number, unit: string, action: string): void {
  if (!(value > 0) || value === Infinity) {
    throw new RangeError(`Cannot compute ${action}: ${what} must be a finite number > 0${unit ? ` ${unit}` : ""}, got ${value}`);
  }
}

export function requireAgents(agents: number, action: string): void {
  if (!(agents >= 0) || !Number.isInteger(agents) || agents > 10_000_000) {
    throw new RangeError(`Cannot compute ${action}: agents must be a whole number from 0 to 10,000,000, got ${agents}`);
  }
}

export function requireFraction(what: string, value: number, low: "[" | "(", high: "]" | ")", action: string): void {
  const okLow = low === "[" ? value >= 0 : value > 0;
  const okHigh = high === "]" ? value <= 1 : value < 1;
  if (!(okLow && okHigh)) {
    throw new RangeError(`Cannot compute ${action}: ${what} must be in ${low}0, 1${high}, got ${value}`);
  }
}
