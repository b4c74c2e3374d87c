import type { FastifyRequest } from "fastify";

/** A form field name → every value sent under it, in order (repeatable rows send several). */
export type FormFields = Record<string, string[]>;

export interface UploadedFile {
  field: string;
  fileName: string;
  data: Buffer;
  /** True when the file went past the size limit and was cut off (never store it). */
  isTooLarge: boolean;
}

export interface MultipartForm {
  fields: FormFields;
  /** The first non-empty file of the form; an empty file input is not an upload. */
  file: UploadedFile | undefined;
  /** Every non-empty file, in order (at most `maxFiles`). */
  files: UploadedFile[];
  /** Names of text fields cut off at the field size limit. */
  truncatedFields: string[];
}

/** Admin forms carry a few dozen fields (repeatable source rows); Markdown bodies run up to ~500k characters. */
const MAX_FORM_FIELDS = 200;
const MAX_FIELD_BYTES = 2 * 1024 * 1024;

/**
 * Reads a whole multipart admin form: text fields as strings, and at most `maxFiles` files into memory
 * (uploads are images capped by UPLOAD_MAX_BYTES). A file over the cap is read to its end and
 * flagged rather than thrown, so the rest of the form still arrives and can be shown again.
 */
export async function readMultipartForm(
  request: FastifyRequest,
  maxFileBytes: number,
  maxFiles = 1,
): Promise<MultipartForm> {
  const fields: FormFields = {};
  const truncatedFields: string[] = [];
  const files: UploadedFile[] = [];
  // `throwFileSizeLimit` is honoured per call by @fastify/multipart but missing from its types.
  const options: Parameters<FastifyRequest["parts"]>[0] & { throwFileSizeLimit: boolean } = {
    limits: { fields: MAX_FORM_FIELDS, fieldSize: MAX_FIELD_BYTES, files: maxFiles, fileSize: maxFileBytes },
    throwFileSizeLimit: false,
  };
  const parts = request.parts(options);
  for await (const part of parts) {
    if (part.type === "file") {
      const data = await part.toBuffer();
      if (data.length > 0 || part.filename !== "")
        files.push({ field: part.fieldname, fileName: part.filename, data, isTooLarge: part.file.truncated });
      continue;
    }
    const value = typeof part.value === "string" ? part.value : "";
    if (part.valueTruncated) truncatedFields.push(part.fieldname);
    fields[part.fieldname] = [...(fields[part.fieldname] ?? []), value];
  }
  return { fields, file: files[0], files, truncatedFields };
}

/** Form fields as the plain body shape `field()` and `fieldList()` read. */
export function fieldsAsBody(fields: FormFields): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(fields)) body[name] = values.length === 1 ? values[0] : values;
  return body;
}
