import { defineConfig } from 'drizzle-kit';

// The central database of the AVN gateway. `npm run db:generate` writes its migrations into
// drizzle/central; the gateway applies them at start (src-gateway/db/client.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src-gateway/db/schema/index.ts',
  out: './drizzle/central',
});
