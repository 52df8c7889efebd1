/**
 * An invalid or inconsistent capacity config. The message names the environment, the field (as a
 * dotted path into CapacityConfig) and the rule it breaks, so `cdk synth` and `npm run plan` can
 * print it as the one-line reason they fail.
 */
export class CapacityConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`capacity config "${environment}": ${field} ${rule}`);
    this.name = 'CapacityConfigError';
  }
}
