// Named errors of the lake generator, so the CLI can map them to one clear line.

/** The options cannot describe a lake (bad date, range, seed or scale). */
export class LakeGenOptionsError extends Error {
  override readonly name = 'LakeGenOptionsError';
}

/** The target folder cannot take a lake: a file, or a non-empty folder that is not a lake. */
export class LakeDirNotUsableError extends Error {
  override readonly name = 'LakeDirNotUsableError';
  constructor(
    message: string,
    readonly lakeDir: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
