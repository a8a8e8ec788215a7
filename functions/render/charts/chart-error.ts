import { MnpError } from '#core/errors.ts';

/** A chart spec that cannot be drawn as given. */
export class ChartError extends MnpError {}
