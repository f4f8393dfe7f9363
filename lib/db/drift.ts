// Compares the Prisma schema (its DMMF) with what the migrations actually
// built in a database, so a migration written by hand cannot silently drift
// from prisma/schema.prisma. Used by the drift test; needs @prisma/internals
// (a dev dependency), so nothing at run time imports it.
import fs from "node:fs";
import path from "node:path";
import internals from "@prisma/internals";
import pg from "pg";

type Dmmf = Awaited<ReturnType<typeof internals.getDMMF>>;
type Model = Dmmf["datamodel"]["models"][number];
type Field = Model["fields"][number];

const SCHEMA_FILE = path.resolve(import.meta.dirname, "../../prisma/schema.prisma");

// Prisma scalar → information_schema `udt_name`.
const UDT_BY_TYPE: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Float: "float8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Bytes: "bytea",
  Decimal: "numeric",
};

const ON_DELETE: Record<string, string> = {
  Cascade: "CASCADE",
  SetNull: "SET NULL",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetDefault: "SET DEFAULT",
};

interface ColumnRow {
  table_name: string;
  column_name: string;
  is_nullable: "YES" | "NO";
  udt_name: string;
  column_default: string | null;
}

interface IndexRow {
  table_name: string;
  columns: string[];
  is_unique: boolean;
  is_primary: boolean;
}

interface ForeignKeyRow {
  table_name: string;
  columns: string[];
  foreign_table: string;
  foreign_columns: string[];
  delete_rule: string;
}

interface DatabaseShape {
  columns: Map<string, Map<string, ColumnRow>>;
  indexes: IndexRow[];
  foreignKeys: ForeignKeyRow[];
  enums: Map<string, string[]>;
}

export async function loadDmmf(schemaFile = SCHEMA_FILE): Promise<Dmmf> {
  return internals.getDMMF({ datamodel: fs.readFileSync(schemaFile, "utf8") });
}

async function readDatabase(databaseUrl: string): Promise<DatabaseShape> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns = await client.query<ColumnRow>(
      `SELECT table_name, column_name, is_nullable, udt_name, column_default
         FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const indexes = await client.query<IndexRow>(
      `SELECT t.relname::text AS table_name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index i
         JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
        GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
    );
    const foreignKeys = await client.query<ForeignKeyRow>(
      `SELECT src.relname::text AS table_name, dst.relname::text AS foreign_table,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS foreign_columns,
              CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT'
                                 WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS delete_rule
         FROM pg_constraint c
         JOIN pg_class src ON src.oid = c.conrelid
         JOIN pg_class dst ON dst.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = src.relnamespace AND n.nspname = 'public'
        WHERE c.contype = 'f'`,
    );
    const enums = await client.query<{ name: string; labels: string[] }>(
      `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
        GROUP BY t.typname`,
    );
    const byTable = new Map<string, Map<string, ColumnRow>>();
    for (const row of columns.rows) {
      if (!byTable.has(row.table_name)) byTable.set(row.table_name, new Map());
      byTable.get(row.table_name)!.set(row.column_name, row);
    }
    return {
      columns: byTable,
      indexes: indexes.rows,
      foreignKeys: foreignKeys.rows,
      enums: new Map(enums.rows.map((row) => [row.name, row.labels])),
    };
  } finally {
    await client.end();
  }
}

const sameColumns = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

function columnOf(model: Model, fieldName: string): string {
  const field = model.fields.find((f) => f.name === fieldName);
  return field?.dbName ?? fieldName;
}

function checkField(model: Model, field: Field, table: Map<string, ColumnRow>, problems: string[]): void {
  const where = `${model.name}.${field.name}`;
  const column = table.get(field.dbName ?? field.name);
  if (!column) {
    problems.push(`${where}: column "${field.dbName ?? field.name}" is missing`);
    return;
  }
  const baseUdt = field.kind === "enum" ? field.type : UDT_BY_TYPE[field.type];
  const expectedUdt = field.isList ? `_${baseUdt}` : baseUdt;
  if (expectedUdt && column.udt_name !== expectedUdt) {
    problems.push(`${where}: column type is ${column.udt_name}, schema says ${expectedUdt}`);
  }
  // Prisma leaves list columns nullable in the database.
  if (!field.isList) {
    const nullable = column.is_nullable === "YES";
    if (field.isRequired && nullable) problems.push(`${where}: column is nullable, schema says required`);
    if (!field.isRequired && !nullable) problems.push(`${where}: column is NOT NULL, schema says optional`);
  }
  const dbDefault = field.hasDefaultValue && !isClientSideDefault(field);
  if (dbDefault && column.column_default === null) problems.push(`${where}: column has no default, schema has one`);
  if (!dbDefault && !field.isList && column.column_default !== null) {
    problems.push(`${where}: column has default ${column.column_default}, schema has none`);
  }
}

function isClientSideDefault(field: Field): boolean {
  const fn = field.default as { name?: string } | undefined;
  return typeof fn === "object" && fn !== null && ["uuid", "cuid", "nanoid", "ulid"].includes(fn.name ?? "");
}

function checkIndexes(dmmf: Dmmf, db: DatabaseShape, problems: string[]): void {
  for (const index of dmmf.datamodel.indexes) {
    const model = dmmf.datamodel.models.find((m) => m.name === index.model);
    if (!model) continue;
    const table = model.dbName ?? model.name;
    const columns = index.fields.map((f) => columnOf(model, f.name));
    const found = db.indexes.some(
      (row) => row.table_name === table && sameColumns(row.columns, columns) && (index.type === "id" ? row.is_primary : index.type === "unique" ? row.is_unique : true),
    );
    const kind = index.type === "id" ? "primary key" : index.type === "unique" ? "unique constraint" : "index";
    if (!found) problems.push(`${model.name}: ${kind} on (${columns.join(", ")}) is missing`);
  }
}

function checkRelations(model: Model, db: DatabaseShape, dmmf: Dmmf, problems: string[]): void {
  for (const field of model.fields) {
    if (field.kind !== "object" || !field.relationFromFields?.length) continue;
    const target = dmmf.datamodel.models.find((m) => m.name === field.type)!;
    const columns = field.relationFromFields.map((name) => columnOf(model, name));
    const targetColumns = (field.relationToFields ?? []).map((name) => columnOf(target, name));
    const fk = db.foreignKeys.find((row) => row.table_name === (model.dbName ?? model.name) && sameColumns(row.columns, columns));
    const where = `${model.name}.${field.name}`;
    if (!fk) {
      problems.push(`${where}: foreign key (${columns.join(", ")}) → ${target.name} is missing`);
      continue;
    }
    if (fk.foreign_table !== (target.dbName ?? target.name) || !sameColumns(fk.foreign_columns, targetColumns)) {
      problems.push(`${where}: foreign key points to ${fk.foreign_table}(${fk.foreign_columns.join(", ")}), schema says ${target.name}(${targetColumns.join(", ")})`);
    }
    const expectedDelete = ON_DELETE[field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")];
    if (fk.delete_rule !== expectedDelete) {
      problems.push(`${where}: ON DELETE ${fk.delete_rule}, schema says ${expectedDelete}`);
    }
  }
}

/** Every difference between the Prisma schema and the database, one line each; empty when they agree. */
export async function findDrift(databaseUrl: string, dmmf?: Dmmf): Promise<string[]> {
  const schema = dmmf ?? (await loadDmmf());
  const db = await readDatabase(databaseUrl);
  const problems: string[] = [];
  for (const enumType of schema.datamodel.enums) {
    const labels = db.enums.get(enumType.dbName ?? enumType.name);
    const expected = enumType.values.map((v) => v.dbName ?? v.name);
    if (!labels) problems.push(`enum ${enumType.name}: type is missing`);
    else if (!sameColumns(labels, expected)) problems.push(`enum ${enumType.name}: values are ${labels.join(", ")}, schema says ${expected.join(", ")}`);
  }
  const modelTables = new Set<string>();
  for (const model of schema.datamodel.models) {
    const tableName = model.dbName ?? model.name;
    modelTables.add(tableName);
    const table = db.columns.get(tableName);
    if (!table) {
      problems.push(`${model.name}: table "${tableName}" is missing`);
      continue;
    }
    const scalarFields = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
    for (const field of scalarFields) checkField(model, field, table, problems);
    const known = new Set(scalarFields.map((f) => f.dbName ?? f.name));
    for (const column of table.keys()) {
      if (!known.has(column)) problems.push(`${model.name}: column "${column}" exists in the database but not in the schema`);
    }
    checkRelations(model, db, schema, problems);
  }
  checkIndexes(schema, db, problems);
  for (const table of db.columns.keys()) {
    if (!modelTables.has(table) && table !== "_prisma_migrations") problems.push(`table "${table}" exists in the database but not in the schema`);
  }
  return problems;
}
