// Every error the server can answer, as typed classes. One renderer (protocol/respond.ts) turns them into
// bytes, so handlers only throw and never think about HTTP.

/** Namespace of the service's own (modeled) errors, as the official SDKs expect in `__type`. */
export const SERVICE_NAMESPACE = 'com.amazonaws.partnercentralselling';
/** Namespace Coral-based AWS front ends use for framework (unmodeled) errors. */
export const FRAMEWORK_NAMESPACE = 'com.amazon.coral.service';

export type ValidationErrorCode =
  | 'REQUIRED_FIELD_MISSING'
  | 'INVALID_ENUM_VALUE'
  | 'INVALID_STRING_FORMAT'
  | 'INVALID_VALUE'
  | 'NOT_ENOUGH_VALUES'
  | 'TOO_MANY_VALUES'
  | 'INVALID_RESOURCE_STATE'
  | 'DUPLICATE_KEY_VALUE'
  | 'VALUE_OUT_OF_RANGE'
  | 'ACTION_NOT_PERMITTED';

export interface FieldError {
  FieldName?: string;
  Message: string;
  Code: ValidationErrorCode;
}

/** Base of everything rendered as an AWS error response. */
export abstract class ApiError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: number;
  readonly namespace: string = SERVICE_NAMESPACE;
  /** Extra headers for the error response (e.g. Retry-After). */
  readonly headers: Record<string, string> = {};
  /** Modeled members besides Message that go into the body. */
  bodyMembers(): Record<string, unknown> {
    return {};
  }
}

export class ValidationException extends ApiError {
  readonly code = 'ValidationException';
  readonly httpStatus = 400;
  constructor(
    message: string,
    readonly errorList: FieldError[] = [],
    readonly reason: 'REQUEST_VALIDATION_FAILED' | 'BUSINESS_VALIDATION_FAILED' = 'REQUEST_VALIDATION_FAILED',
  ) {
    super(message);
  }
  override bodyMembers(): Record<string, unknown> {
    return this.errorList.length > 0 ? { Reason: this.reason, ErrorList: this.errorList } : { Reason: this.reason };
  }
  /** A single-field request validation failure. */
  static field(fieldName: string, code: ValidationErrorCode, message: string): ValidationException {
    return new ValidationException(message, [{ FieldName: fieldName, Message: message, Code: code }]);
  }
  /** A business-rule failure about one field. */
  static business(fieldName: string | undefined, code: ValidationErrorCode, message: string): ValidationException {
    const entry: FieldError = fieldName === undefined ? { Message: message, Code: code } : { FieldName: fieldName, Message: message, Code: code };
    return new ValidationException(message, [entry], 'BUSINESS_VALIDATION_FAILED');
  }
}

export class AccessDeniedException extends ApiError {
  readonly code = 'AccessDeniedException';
  readonly httpStatus = 403;
}

export class ResourceNotFoundException extends ApiError {
  readonly code = 'ResourceNotFoundException';
  readonly httpStatus = 404;
}

export class ConflictException extends ApiError {
  readonly code = 'ConflictException';
  readonly httpStatus = 409;
}

export class ServiceQuotaExceededException extends ApiError {
  readonly code = 'ServiceQuotaExceededException';
  readonly httpStatus = 402;
}

export class ThrottlingException extends ApiError {
  readonly code = 'ThrottlingException';
  readonly httpStatus = 429;
}

export class InternalServerException extends ApiError {
  readonly code = 'InternalServerException';
  readonly httpStatus = 500;
}

/** Honest answer for operations the emulator does not implement yet. Not retried by any SDK (501). */
export class NotImplementedException extends ApiError {
  readonly code = 'NotImplementedException';
  readonly httpStatus = 501;
  constructor(operation: string) {
    super(`${operation} is not implemented yet by partnercentral-local. Its input was valid; nothing was changed.`);
  }
}

/** Unmodeled errors raised by the AWS front end (protocol and authentication), rendered in Coral's namespace. */
export class FrameworkError extends ApiError {
  override readonly namespace = FRAMEWORK_NAMESPACE;
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

export const frameworkErrors = {
  unknownOperation: (detail?: string) =>
    new FrameworkError(
      'UnknownOperationException',
      400,
      detail ?? 'The action or operation requested is invalid. Verify that the action is typed correctly.',
    ),
  serialization: (message: string) => new FrameworkError('SerializationException', 400, message),
  requestTimeout: (what: 'headers' | 'body', limitMs: number) =>
    new FrameworkError('RequestTimeoutException', 408, `Reading the request ${what} timed out: not received within ${limitMs} ms.`),
  expectationFailed: (expectation: string) =>
    new FrameworkError('ExpectationFailedException', 417, `Unsupported Expect header '${expectation}': only 100-continue is supported.`),
  entityTooLarge: (limit: number) =>
    new FrameworkError('RequestEntityTooLargeException', 413, `Request entity too large: the body exceeds ${limit} bytes.`),
  missingAuthenticationToken: () =>
    new FrameworkError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token'),
  incompleteSignature: (message: string) => new FrameworkError('IncompleteSignatureException', 400, message),
  invalidSignature: (message: string) => new FrameworkError('InvalidSignatureException', 403, message),
  signatureExpired: (message: string) => new FrameworkError('InvalidSignatureException', 400, message),
  unrecognizedClient: () =>
    new FrameworkError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'),
} as const;
