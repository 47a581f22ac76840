/**
 * A user's table (CSV text or a JSON array of row objects) turned into the columns a built-in
 * dataset returns: numeric features as they are, text features one-hot encoded, task columns
 * encoded by their type. Used by the CLI (a file path) and the web page (a local file).
 *
 * Nothing is guessed silently: numbers are decimal only (`0x10` is text, not 16); a column whose
 * cells are mostly numbers is numeric, and a text cell in it is refused naming the file, the row
 * and the column (or, with `dropBadRows`, its row is dropped and counted); object and array cells
 * are refused; column names are kept in Maps and null-prototype records, so a column may be
 * called `__proto__`. Every problem is a ConfigError naming the file, row and column.
 */
import { type DatasetColumns, encodeLabels, oneHotEncode } from '@mtl/multitask';
import { tensor } from '@mtl/tensor';
import { BOUNDS, ConfigError, type FileData, show } from './config';

type Cell = string | number | null;

/** The rows of a table: one Map per row (column → cell), and where each row came from. */
interface Table {
  columns: string[];
  rows: Map<string, Cell>[];
  /** How a row is named in a message: `row 3 (line 4)` for CSV, `row 3` for JSON. */
  where: (i: number) => string;
  /** Columns with an object or list cell (JSON), and the first such cell: refused if the column is used. */
  objects: Map<string, string>;
}

/** What the table gave besides the columns: rows left out and why. */
export interface TableReport {
  /** Rows dropped because a feature value is missing. */
  missing: number;
  /** Rows dropped because of a non-numeric cell in a numeric column (with `dropBadRows`). */
  dropped: number;
  /** The first dropped row, as `row 3, column "x": "abc"`. */
  firstDropped?: string;
}

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
/** A decimal number: `12`, `-0.5`, `.5`, `1e-3`; no hex, octal, binary, Infinity or separators. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Categories of one text column (more means an identifier or a numeric column with typos). */
const MAX_CATEGORIES = 1_000;

/** Parses the table and encodes the chosen columns; errors name the file, column and row. */
export function tableColumns(
  text: string,
  file: FileData,
  report: TableReport = { missing: 0, dropped: 0 },
): DatasetColumns {
  const path = file.path;
  const table = path.toLowerCase().endsWith('.json') ? parseJsonRows(text, path) : parseCsvTable(text, path);
  if (table.rows.length === 0) throw new ConfigError(`${path}: the table has no data rows`);
  if (table.rows.length > BOUNDS.samples)
    throw new ConfigError(`${path}: ${table.rows.length} rows, more than the ${BOUNDS.samples} allowed`);
  const tasks = Object.entries(file.tasks);
  for (const column of [...file.features, ...tasks.map(([t]) => t)]) {
    if (!table.columns.includes(column))
      throw new ConfigError(
        `${path}: no column ${show(column)} (columns: ${table.columns.map((c) => (/^[\w .-]+$/.test(c) ? c : show(c))).join(', ')})`.slice(
          0,
          400,
        ),
      );
  }

  for (const column of [...file.features, ...tasks.map(([t]) => t)]) {
    const where = table.objects.get(column);
    if (where !== undefined)
      throw new ConfigError(
        `${path}: ${where} is not a number, text, true/false or null — flatten it into columns of its own`,
      );
  }

  // Which columns are numeric: features whose cells are mostly numbers, and regression tasks.
  const numeric = new Set<string>();
  for (const f of file.features) {
    let numbers = 0;
    let texts = 0;
    for (const row of table.rows) {
      const v = row.get(f);
      if (typeof v === 'number') numbers++;
      else if (typeof v === 'string') texts++;
    }
    if (numbers > 0 && numbers >= texts) numeric.add(f);
  }
  for (const [t, type] of tasks) if (type === 'regression') numeric.add(t);

  // A row with a missing feature can't be fed to the model; a missing task label is fine (masked).
  // A text cell in a numeric column is refused, or its row dropped with `dropBadRows`.
  const kept: Map<string, Cell>[] = [];
  table.rows.forEach((row, i) => {
    for (const column of numeric) {
      const v = row.get(column);
      if (typeof v !== 'string') continue;
      const what = `${table.where(i)}, column ${show(column)}: ${show(v)} is not a number`;
      if (!file.dropBadRows)
        throw new ConfigError(
          `${path}: ${what} (the column's other cells are numbers; numbers are decimal, like 12.5) — fix the cell, leave it empty for a missing value, or set data.file.dropBadRows: true to drop such rows`,
        );
      report.dropped++;
      report.firstDropped ??= what;
      return;
    }
    if (file.features.some((f) => (row.get(f) ?? null) === null)) {
      report.missing++;
      return;
    }
    kept.push(row);
  });
  if (kept.length === 0)
    throw new ConfigError(
      `${path}: no row is left — ${report.missing} miss a feature value${report.dropped > 0 ? `, ${report.dropped} have a non-numeric cell in a numeric column` : ''}`,
    );

  const blocks: number[][][] = [];
  const featureNames: string[] = [];
  for (const f of file.features) {
    const values = kept.map((r) => r.get(f)!);
    if (numeric.has(f)) {
      blocks.push(values.map((v) => [v as number]));
      featureNames.push(f);
    } else {
      const strings = values.map(String);
      const distinct = new Set(strings).size;
      if (distinct > MAX_CATEGORIES)
        throw new ConfigError(
          `${path}: column ${show(f)} has ${distinct} different text values, more than the ${MAX_CATEGORIES} a one-hot feature may have — is it an identifier? Leave it out of data.file.features`,
        );
      const { tensor: oneHot, categories } = oneHotEncode(strings, { dtype: 'float64' });
      blocks.push(oneHot.toArray() as number[][]);
      featureNames.push(...categories.map((c) => `${f}=${c}`));
    }
  }
  if (featureNames.length > BOUNDS.featureColumns || featureNames.length * kept.length > BOUNDS.cells)
    throw new ConfigError(
      `${path}: the features encode to ${featureNames.length} columns × ${kept.length} rows, more than allowed (${BOUNDS.featureColumns} columns, ${BOUNDS.cells} numbers) — use fewer or simpler feature columns`,
    );
  const features = tensor(
    kept.map((_, i) => blocks.flatMap((b) => b[i]!)),
    { dtype: 'float64' },
  );

  const labels: DatasetColumns['labels'] = Object.create(null);
  const taskInfo: DatasetColumns['tasks'] = Object.create(null);
  for (const [task, type] of tasks) {
    const values = kept.map((r) => r.get(task) ?? null);
    if (type === 'regression') {
      labels[task] = tensor(
        values.map((v) => (v === null ? Number.NaN : (v as number))),
        { dtype: 'float64' },
      );
      taskInfo[task] = { type };
      continue;
    }
    const { indices, classes } = encodeLabels(values.map((v) => (v === null ? null : String(v))));
    if (classes.length > MAX_CATEGORIES)
      throw new ConfigError(
        `${path}: task ${show(task)} has ${classes.length} classes, more than the ${MAX_CATEGORIES} allowed`,
      );
    if (type === 'binary') {
      if (classes.length !== 2)
        throw new ConfigError(
          `${path}: binary task ${show(task)} needs exactly two classes, found ${classes.length} (${classes
            .slice(0, 5)
            .map((c) => show(c))
            .join(', ')}) — use multiclass, or fix the column`,
        );
      labels[task] = tensor(
        Array.from(indices.data, (k) => (k < 0 ? Number.NaN : k)),
        { dtype: 'float64' },
      );
    } else {
      labels[task] = indices;
    }
    taskInfo[task] = { type, classes };
  }
  return { features, featureNames, labels, tasks: taskInfo };
}

/** A text cell: missing, a decimal number, or text. */
function textCell(s: string): Cell {
  const t = s.trim();
  if (MISSING.has(t.toLowerCase())) return null;
  if (DECIMAL.test(t)) {
    const n = Number(t);
    return Number.isFinite(n) ? n : t;
  }
  return t;
}

function parseJsonRows(text: string, path: string): Table {
  if (text.trim() === '') throw new ConfigError(`${path}: the file is empty`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(value))
    throw new ConfigError(`${path}: expected a JSON array of row objects, like [{"x": 1, "y": 2}, …]`);
  const columns = new Set<string>();
  const objects = new Map<string, string>();
  const rows = value.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw new ConfigError(
        `${path}: row ${i + 1} is ${show(r)}, not an object — expected a JSON array of row objects, like [{"x": 1, "y": 2}, …]`,
      );
    const row = new Map<string, Cell>();
    for (const [column, v] of Object.entries(r)) {
      columns.add(column);
      if (v === null) row.set(column, null);
      else if (typeof v === 'number') row.set(column, v);
      else if (typeof v === 'string') row.set(column, textCell(v));
      else if (typeof v === 'boolean') row.set(column, String(v));
      else {
        row.set(column, null);
        if (!objects.has(column)) objects.set(column, `row ${i + 1}, column ${show(column)}: ${show(v)}`);
      }
    }
    return row;
  });
  return { columns: [...columns], rows, where: (i) => `row ${i + 1}`, objects };
}

/** RFC 4180 CSV: a header row, comma-separated fields, double quotes around fields with commas or quotes. */
function parseCsvTable(text: string, path: string): Table {
  const records = csvRecords(text.replace(/^\uFEFF/, ''), path);
  const [header, ...body] = records;
  if (header === undefined) throw new ConfigError(`${path}: the file is empty`);
  const names = header.fields.map((h) => h.trim());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new ConfigError(`${path}: the header names column ${show(twice)} twice`);
  const rows = body.map(({ fields, line }, i) => {
    if (fields.length !== names.length)
      throw new ConfigError(
        `${path}: row ${i + 1} (line ${line}) has ${fields.length} fields, the header has ${names.length}`,
      );
    return new Map(names.map((n, j) => [n, textCell(fields[j]!)]));
  });
  return { columns: names, rows, where: (i) => `row ${i + 1} (line ${body[i]!.line})`, objects: new Map() };
}

function csvRecords(text: string, path: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let start = 1;
  const end = () => {
    record.push(field);
    if (record.length > 1 || record[0]!.trim() !== '') records.push({ fields: record, line: start });
    record = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        line++;
      } else if (c === '\r') line++;
      end();
      start = line;
    } else field += c;
  }
  if (quoted) throw new ConfigError(`${path}: a quoted field starting on line ${start} is never closed`);
  end();
  return records;
}

/** The rows of a CSV text as null-prototype records (column → cell), for tests and tools. */
export function parseCsv(text: string, path = 'the CSV'): Record<string, Cell>[] {
  return parseCsvTable(text, path).rows.map((row) =>
    Object.assign(Object.create(null) as Record<string, Cell>, Object.fromEntries(row)),
  );
}
