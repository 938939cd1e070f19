import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The exact bytes of a fixture, as the platform would send them. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(__dirname, '../../../fixtures/messenger', name));
}

export const PAGE_ID = '104857600123456';
export const AN = '7512345678901234';
export const BINH = '6987654321098765';
