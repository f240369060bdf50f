import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

/**
 * ARCHITECTURE.md, rule 1 — the folder names the runtime — is enforced by lint, not review. Lint real
 * files of each folder with a forbidden import added, and expect the boundary rule to fire.
 */
// The boundary rule needs no type information; skipping it keeps this test fast.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('import boundaries', () => {
  it('src-shared imports no platform module and none of our other folders', async () => {
    for (const line of [
      "import { readFileSync } from 'node:fs';",
      "import fs from 'fs';",
      "import { app } from 'electron';",
      "import Database from 'better-sqlite3';",
      "import { sql } from 'drizzle-orm';",
      "import { useState } from 'react';",
      "import { boot } from '../../src-main/boot';",
    ]) {
      const messages = await ruleIds('src-shared/domain/time.ts', `${line}\nexport const x = 1;\n`);
      expect(
        messages.some((m) => m.startsWith('no-restricted-imports')),
        line,
      ).toBe(true);
    }
  });

  it('only src-main/electron imports electron', async () => {
    const code = "import { app } from 'electron';\nexport const x = app;\n";
    expect((await ruleIds('src-main/boot.ts', code)).some((m) => m.startsWith('no-restricted-imports'))).toBe(
      true,
    );
    expect(
      (await ruleIds('src-main/electron/updater.ts', code)).some((m) =>
        m.startsWith('no-restricted-imports'),
      ),
    ).toBe(false);
  });

  it('the renderer imports only src-shared of our code', async () => {
    for (const line of [
      "import { boot } from '../../src-main/boot';",
      "import Database from 'better-sqlite3';",
      "import { ipcRenderer } from 'electron';",
      "import { join } from 'node:path';",
    ]) {
      const messages = await ruleIds('src-renderer/app-context.ts', `${line}\nexport const y = 1;\n`);
      expect(
        messages.some((m) => m.startsWith('no-restricted-imports')),
        line,
      ).toBe(true);
    }
    const fine = await ruleIds(
      'src-renderer/app-context.ts',
      "import { isoWeekday } from '../src-shared/domain/time';\nexport const y = isoWeekday;\n",
    );
    expect(fine.filter((m) => m.startsWith('no-restricted-imports'))).toEqual([]);
  });

  it('the gateway imports only src-shared and its own code', async () => {
    for (const line of [
      "import { hashPassword } from '../../src-main/auth/password';",
      "import { generateDemo } from '../../src-main/demo/generate';",
      "import Database from 'better-sqlite3';",
      "import { app } from 'electron';",
    ]) {
      const messages = await ruleIds('src-gateway/sync/auth.ts', `${line}\nexport const z = 1;\n`);
      expect(
        messages.some((m) => m.startsWith('no-restricted-imports')),
        line,
      ).toBe(true);
    }
    const fine = await ruleIds(
      'src-gateway/sync/auth.ts',
      "import { REGISTRY } from '../../src-shared/sync/registry';\nexport const z = REGISTRY;\n",
    );
    expect(fine.filter((m) => m.startsWith('no-restricted-imports'))).toEqual([]);
  });
});
