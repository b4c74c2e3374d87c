/** A file part of a test form. */
export interface FormFile {
  field: string;
  fileName: string;
  data: Buffer;
  type?: string;
}

/**
 * Encodes fields (repeatable as arrays) and files as `multipart/form-data`, as a browser posts a
 * form with `enctype="multipart/form-data"`; returns what `app.inject` needs.
 */
export async function multipartForm(
  fields: Record<string, string | string[]>,
  files: FormFile[] = [],
): Promise<{ payload: Buffer; headers: { "content-type": string } }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
  for (const file of files)
    form.append(
      file.field,
      new Blob([new Uint8Array(file.data)], { type: file.type ?? "application/octet-stream" }),
      file.fileName,
    );
  const encoded = new Response(form);
  return {
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { "content-type": encoded.headers.get("content-type") ?? "" },
  };
}

/** A real 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
