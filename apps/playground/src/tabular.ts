/**
 * A user's table (CSV text or a JSON array of row objects) turned into the columns a built-in
 * dataset returns: numeric features as they are, string features one-hot encoded, task columns
 * encoded by their type. Used by the CLI (a file path) and the web page (a local file).
 */
import { type DatasetColumns, encodeLabels, oneHotEncode } from '@mtl/multitask';
import { tensor } from '@mtl/tensor';
import { ConfigError, type FileData } from './config';

type Cell = string | number | null;
type Row = Record<string, Cell>;

const MISSING = new Set(['', 'na', 'nan', 'null', 'none', '?']);

/** Parses the table and encodes the chosen columns; errors name the file, column and row. */
export function tableColumns(text: string, file: FileData): DatasetColumns {
  const rows = file.path.toLowerCase().endsWith('.json')
    ? parseJsonRows(text, file.path)
    : parseCsv(text, file.path);
  if (rows.length === 0) throw new ConfigError(`${file.path}: the table has no rows`);
  const columns = Object.keys(rows[0]!);
  for (const column of [...file.features, ...Object.keys(file.tasks)]) {
    if (!columns.includes(column))
      throw new ConfigError(
        `${file.path}: no column ${JSON.stringify(column)} (columns: ${columns.join(', ')})`,
      );
  }
  // A row with a missing feature can't be fed to the model; a missing task label is fine (masked).
  const complete = rows.filter((r) => file.features.every((f) => r[f] !== null));
  if (complete.length === 0) throw new ConfigError(`${file.path}: every row misses a feature value`);

  const blocks: number[][][] = [];
  const featureNames: string[] = [];
  for (const f of file.features) {
    const values = complete.map((r) => r[f]!);
    if (values.every((v) => typeof v === 'number')) {
      blocks.push(values.map((v) => [v as number]));
      featureNames.push(f);
    } else {
      const { tensor: oneHot, categories } = oneHotEncode(values.map(String), { dtype: 'float64' });
      blocks.push(oneHot.toArray() as number[][]);
      featureNames.push(...categories.map((c) => `${f}=${c}`));
    }
  }
  const features = tensor(
    complete.map((_, i) => blocks.flatMap((b) => b[i]!)),
    { dtype: 'float64' },
  );

  const labels: DatasetColumns['labels'] = {};
  const tasks: DatasetColumns['tasks'] = {};
  for (const [task, type] of Object.entries(file.tasks)) {
    const values = complete.map((r) => r[task]!);
    if (type === 'regression') {
      const bad = values.findIndex((v) => v !== null && typeof v !== 'number');
      if (bad >= 0)
        throw new ConfigError(
          `${file.path}: regression task ${task} has a non-number ${JSON.stringify(values[bad])} in row ${bad + 1}`,
        );
      labels[task] = tensor(
        values.map((v) => (v === null ? Number.NaN : (v as number))),
        { dtype: 'float64' },
      );
      tasks[task] = { type };
      continue;
    }
    const { indices, classes } = encodeLabels(values.map((v) => (v === null ? null : String(v))));
    if (type === 'binary') {
      if (classes.length !== 2)
        throw new ConfigError(
          `${file.path}: binary task ${task} needs exactly two classes, found ${classes.length} (${classes.slice(0, 5).join(', ')}); use multiclass`,
        );
      labels[task] = tensor(
        Array.from(indices.data, (k) => (k < 0 ? Number.NaN : k)),
        { dtype: 'float64' },
      );
    } else {
      labels[task] = indices;
    }
    tasks[task] = { type, classes };
  }
  return { features, featureNames, labels, tasks };
}

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = String(v).trim();
  if (MISSING.has(s.toLowerCase())) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

function parseJsonRows(text: string, path: string): Row[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(value) || value.some((r) => typeof r !== 'object' || r === null || Array.isArray(r)))
    throw new ConfigError(`${path}: expected a JSON array of row objects, like [{"x": 1, "y": 2}, …]`);
  return value.map((r) => Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, cell(v)])));
}

/** RFC 4180 CSV: a header row, comma-separated fields, double quotes around fields with commas or quotes. */
export function parseCsv(text: string, path = 'the CSV'): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
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
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new ConfigError(`${path}: a quoted field is never closed`);
  record.push(field);
  if (record.length > 1 || record[0] !== '') records.push(record);
  const [header, ...body] = records;
  if (header === undefined) return [];
  const names = header.map((h) => h.trim());
  return body.map((r, i) => {
    if (r.length !== names.length)
      throw new ConfigError(`${path}: line ${i + 2} has ${r.length} fields, the header has ${names.length}`);
    return Object.fromEntries(names.map((n, j) => [n, cell(r[j])]));
  });
}
