import { sql } from "kysely";
import { expect, test } from "vitest";
import { testDialect, useMigratedDatabase } from "./support/database.js";

const handle = useMigratedDatabase();

async function listIndexes(): Promise<string[]> {
  if (testDialect === "postgres") {
    const result = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where schemaname = 'public' order by indexname`.execute(handle.db);
    return result.rows.map((r) => r.indexdef.replace(/ ON public\./, " ON "));
  }
  const result = await sql<{ sql: string | null; name: string }>`
    select name, sql from sqlite_master where type = 'index' order by name`.execute(handle.db);
  return result.rows.map((r) => r.sql ?? `${r.name} (automatic)`);
}

test(`migrating an empty ${testDialect} database gives the committed schema`, async () => {
  const tables = await handle.db.introspection.getTables({ withInternalKyselyTables: false });
  const schema = {
    tables: Object.fromEntries(
      tables
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((t) => [
          t.name,
          t.columns.map(
            (c) =>
              `${c.name} ${c.dataType}${c.isNullable ? "" : " not null"}${c.hasDefaultValue ? " default" : ""}`,
          ),
        ]),
    ),
    indexes: await listIndexes(),
  };
  await expect(
    `${JSON.stringify(schema, null, 2)}\n`,
    "the schema differs from the snapshot: add a migration (never edit a shipped one), then update the snapshot with `npx vitest run test/schema.test.ts -u`",
  ).toMatchFileSnapshot(`./snapshots/schema.${testDialect}.json`);
});
