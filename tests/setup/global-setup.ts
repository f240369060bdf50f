import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { generateDemo } from '../../src-main/demo/generate';

/**
 * Generate the tiny demo university once per test run; each test file copies it into its own temp
 * file (ARCHITECTURE.md, Tests: nothing shared between files).
 */
let dir = '';

export function setup(project: TestProject): void {
  dir = mkdtempSync(join(tmpdir(), 'avn-test-'));
  const template = join(dir, 'tiny-template.db');
  generateDemo(template, { scale: 'tiny' });
  project.provide('tinyTemplate', template);
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  // Module augmentation needs an interface (a type alias cannot merge).
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  export interface ProvidedContext {
    tinyTemplate: string;
  }
}
