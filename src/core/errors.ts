/**
 * An error the user caused or can fix: bad file, bad row, bad value. Its message is one
 * line that names the file, row or value; the CLI prints it as-is and exits non-zero.
 */
export class UserError extends Error {
  constructor(message: string, readonly code: UserErrorCode = 'invalid-input') {
    super(message);
    this.name = 'UserError';
  }
}

export type UserErrorCode =
  | 'invalid-input'
  | 'not-found'
  | 'bad-model'
  | 'incompatible'
  | 'empty-dataset'
  | 'worker-died'
  | 'cancelled';

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
