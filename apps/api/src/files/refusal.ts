/** A file the server will not take as a whole (wrong type, too large, damaged): an HTTP status and a Chinese reason. */
export class FileRefusal extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    message: string,
    /** What was wrong, for clients: file_type, too_large, zip_bomb, damaged, wrong_template, … */
    readonly rule: string,
  ) {
    super(message);
    this.name = 'FileRefusal';
  }
}

/** A size as people read it: 64KB, 10MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)}KB`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10}MB`;
}
