/** Turns a schema failure into the API's `{error, fields}` shape naming each field. */
export function schemaErrorsToFields(
  validation: { instancePath: string; message?: string; params?: Record<string, unknown> }[],
) {
  const fields: Record<string, string> = {};
  for (const issue of validation) {
    const name =
      issue.params?.additionalProperty !== undefined
        ? String(issue.params.additionalProperty)
        : issue.instancePath
            .replace(/^\//, "")
            .replace(/\/(\d+)\//g, "[$1].")
            .replace(/\//g, ".") || "body";
    fields[name] =
      issue.params?.additionalProperty !== undefined
        ? "is not a known field"
        : (issue.message ?? "is invalid");
  }
  return fields;
}
