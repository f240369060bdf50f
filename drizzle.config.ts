import { defineConfig } from 'drizzle-kit';

// The replica's schema. `npm run db:generate` writes migrations into drizzle/local; the app applies
// them at start (src-main/db/open.ts).
export default defineConfig({
  dialect: 'sqlite',
  schema: './src-main/db/schema/index.ts',
  out: './drizzle/local',
});
