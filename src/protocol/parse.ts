// Turns the raw body into the input object: an empty body is `{}` (decision 1); anything that is not a JSON
// object is a SerializationException, as AWS's front end answers.
import { frameworkErrors } from '../errors.js';

export function parseInput(body: string): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw frameworkErrors.serialization(`The request body is not valid JSON: ${detail}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw frameworkErrors.serialization('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
